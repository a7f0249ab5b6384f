// TwiML as Twilio's voice edge reads it: a <Response> of verbs, each with its attributes and
// nouns. A reply that is not such a document is what Twilio calls error 12100 (document parse
// failure).
import { XMLParser, XMLValidator } from "fast-xml-parser";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

const VERBS = new Set(["Say", "Play", "Pause", "Dial", "Hangup", "Reject", "Redirect", "Gather", "Record", "Enqueue", "Leave", "Connect", "Refer", "Stream", "Start", "Stop", "Siprec", "Pay", "Prompt", "Echo", "Sms"]);

const textOf = (children) => children.filter((c) => "#text" in c).map((c) => c["#text"]).join("");

/** One element of parser output as { name, attributes, text, children }. */
function element(node) {
  const name = Object.keys(node).find((k) => k !== ":@");
  const children = node[name] ?? [];
  return {
    name,
    attributes: node[":@"] ?? {},
    text: textOf(children),
    children: children.filter((c) => !("#text" in c)).map(element),
  };
}

/** The verbs of `xml`, in order; throws when it is not a TwiML document. */
export function parse(xml) {
  if (XMLValidator.validate(xml) !== true) throw new Error("not well-formed XML");
  const root = parser.parse(xml).map(element).find((e) => e.name !== "?xml");
  if (root?.name !== "Response") throw new Error(`the root element is <${root?.name}>, not <Response>`);
  for (const verb of root.children) {
    if (!VERBS.has(verb.name)) throw new Error(`<${verb.name}> is not a TwiML verb`);
  }
  return root.children;
}
