//! The dial policy: which numbers the page may call, on the user's bill.
//!
//! Numbers are parsed with libphonenumber's data (the `phonenumber` crate), normalised to E.164
//! and allowed only in the configured countries; premium-rate and shared-cost numbers are refused
//! where the data can tell. This is what stands between a leaked token and toll fraud.

use std::fmt;

use phonenumber::country;
use phonenumber::metadata::DATABASE;
use phonenumber::{Mode, PhoneNumber, Type};

/// A country the page may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allowed {
    /// A region (ISO 3166 code): `US` allows the United States but not the rest of +1.
    Region(country::Id),
    /// Every region that shares a calling code: `+1` allows the whole North American plan.
    CallingCode(u16),
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allowed::Region(id) => f.write_str(id.as_ref()),
            Allowed::CallingCode(code) => write!(f, "+{code}"),
        }
    }
}

/// Parses `US`, `gb` or `+44`.
pub fn parse_allowed(text: &str) -> Result<Allowed, String> {
    let text = text.trim();
    if let Some(code) = text.strip_prefix('+') {
        return match code.parse::<u16>() {
            Ok(code) if (1..=999).contains(&code) => Ok(Allowed::CallingCode(code)),
            _ => Err(format!(
                "{text:?} is not a country calling code such as +44"
            )),
        };
    }
    text.to_ascii_uppercase()
        .parse::<country::Id>()
        .map(Allowed::Region)
        .map_err(|_| {
            format!(
                "{text:?} is neither a region code such as US or GB nor a calling code such as +44"
            )
        })
}

/// Checks the shape of an E.164 number without loading libphonenumber's data (which takes
/// tens of milliseconds): `+`, then 8 to 15 digits, spaces and dashes allowed. Returns the bare
/// E.164 form.
pub fn e164_shape(text: &str) -> Result<String, String> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let Some(rest) = digits.strip_prefix('+') else {
        return Err(format!(
            "{text:?} is not in E.164 form (+ and the country code, such as +15551234567)"
        ));
    };
    if !(8..=15).contains(&rest.len())
        || !rest.bytes().all(|b| b.is_ascii_digit())
        || rest.starts_with('0')
    {
        return Err(format!(
            "{text:?} is not a phone number: E.164 has 8 to 15 digits after the +"
        ));
    }
    Ok(digits)
}

/// Parses the caller ID: a valid number in E.164 form.
pub fn parse_caller_id(text: &str) -> Result<PhoneNumber, String> {
    if !text.trim().starts_with('+') {
        return Err(format!(
            "{text:?} is not in E.164 form (+ and the country code, such as +15551234567)"
        ));
    }
    match phonenumber::parse(None, text) {
        Ok(number) if number.is_valid() => Ok(number),
        _ => Err(format!("{text:?} is not a valid phone number")),
    }
}

/// Why a number is not dialled. `Display` is for the log; `spoken` for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Unreadable,
    Invalid { e164: String },
    Country { e164: String, region: String },
    Costly { e164: String, kind: &'static str },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unreadable => f.write_str("the number cannot be read as a phone number"),
            Refusal::Invalid { e164 } => write!(f, "{e164} is not a valid number"),
            Refusal::Country { e164, region } => write!(
                f,
                "{e164} is in {region}, which the dial policy does not allow (add it with --allow-country)"
            ),
            Refusal::Costly { e164, kind } => write!(f, "{e164} is a {kind} number"),
        }
    }
}

impl Refusal {
    pub fn spoken(&self) -> &'static str {
        match self {
            Refusal::Unreadable | Refusal::Invalid { .. } => {
                "Sorry, that is not a phone number this phone can call. Please check it and try again."
            }
            Refusal::Country { .. } => "Sorry, this phone is not allowed to call that country.",
            Refusal::Costly { .. } => "Sorry, this phone does not call premium rate numbers.",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DialPolicy {
    allowed: Vec<Allowed>,
    /// For numbers typed without a country code.
    home: Option<country::Id>,
}

impl DialPolicy {
    /// Allows `allowed`, or only the caller ID's own region when that is empty.
    pub fn new(caller_id: &PhoneNumber, allowed: Vec<Allowed>) -> Self {
        let home = caller_id.country().id();
        let allowed = if allowed.is_empty() {
            home.map_or_else(
                || vec![Allowed::CallingCode(caller_id.code().value())],
                |id| vec![Allowed::Region(id)],
            )
        } else {
            allowed
        };
        DialPolicy { allowed, home }
    }

    pub fn allowed(&self) -> &[Allowed] {
        &self.allowed
    }

    /// Parses `text` as written: international (`+…`) on its own, national in the caller ID's
    /// country.
    fn parse(&self, text: &str) -> Result<PhoneNumber, phonenumber::ParseError> {
        let text = text.trim();
        // phonenumber 0.3.10 strips the home region's national prefix from international input
        // when given a region (+33 1 42… with region US becomes +33 42…), so it gets none.
        let region = if text.starts_with('+') {
            None
        } else {
            self.home
        };
        phonenumber::parse(region, text)
    }

    /// Whether `text` is the same number as `e164`, however it is written.
    pub fn same_number(&self, text: &str, e164: &str) -> bool {
        self.parse(text)
            .is_ok_and(|number| number.format().mode(Mode::E164).to_string() == e164)
    }

    /// The E.164 form of `text` when the policy allows calling it.
    pub fn check(&self, text: &str) -> Result<String, Refusal> {
        let number = self.parse(text).map_err(|_| Refusal::Unreadable)?;
        let e164 = number.format().mode(Mode::E164).to_string();
        if !number.is_valid() {
            return Err(Refusal::Invalid { e164 });
        }
        let region = number.country().id();
        let code = number.code().value();
        let allowed = self.allowed.iter().any(|allowed| match allowed {
            Allowed::Region(id) => region == Some(*id),
            Allowed::CallingCode(c) => *c == code,
        });
        if !allowed {
            let region = region.map_or_else(|| format!("+{code}"), |id| id.as_ref().to_owned());
            return Err(Refusal::Country { e164, region });
        }
        match number.number_type(&DATABASE) {
            Type::PremiumRate => Err(Refusal::Costly {
                e164,
                kind: "premium-rate",
            }),
            Type::SharedCost => Err(Refusal::Costly {
                e164,
                kind: "shared-cost",
            }),
            _ => Ok(e164),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us_policy(extra: &[&str]) -> DialPolicy {
        let caller = parse_caller_id("+14155550100").unwrap();
        DialPolicy::new(
            &caller,
            extra.iter().map(|a| parse_allowed(a).unwrap()).collect(),
        )
    }

    #[test]
    fn normalises_numbers_in_the_callers_country() {
        let policy = us_policy(&[]);
        assert_eq!(policy.check("+1 (415) 555-2671"), Ok("+14155552671".into()));
        assert_eq!(policy.check("415 555 2671"), Ok("+14155552671".into()));
    }

    #[test]
    fn refuses_other_countries_unless_allowed() {
        let policy = us_policy(&[]);
        assert!(
            matches!(policy.check("+442079460958"), Err(Refusal::Country { region, .. }) if region == "GB")
        );
        // Jamaica shares +1 with the United States: the default is the region, not the code.
        assert!(matches!(
            policy.check("+18765550123"),
            Err(Refusal::Country { .. })
        ));
        assert_eq!(
            us_policy(&["GB"]).check("+442079460958"),
            Ok("+442079460958".into())
        );
        // A list replaces the default rather than adding to it.
        assert!(matches!(
            us_policy(&["GB"]).check("+14155552671"),
            Err(Refusal::Country { .. })
        ));
        assert_eq!(
            us_policy(&["+44"]).check("+442079460958"),
            Ok("+442079460958".into())
        );
    }

    #[test]
    fn refuses_premium_rate_and_shared_cost_numbers() {
        let policy = us_policy(&["US", "GB", "FR"]);
        assert!(matches!(
            policy.check("+19005550123"),
            Err(Refusal::Costly {
                kind: "premium-rate",
                ..
            })
        ));
        assert!(matches!(
            policy.check("+449098790000"),
            Err(Refusal::Costly {
                kind: "premium-rate",
                ..
            })
        ));
        assert!(matches!(
            policy.check("+33810123456"),
            Err(Refusal::Costly {
                kind: "shared-cost",
                ..
            })
        ));
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        let policy = us_policy(&[]);
        assert_eq!(policy.check("hello"), Err(Refusal::Unreadable));
        assert!(matches!(
            policy.check("+1 555"),
            Err(Refusal::Invalid { .. } | Refusal::Unreadable)
        ));
        assert!(policy.check("client:alice").is_err());
    }

    #[test]
    fn parses_allowed_countries_and_caller_ids() {
        assert_eq!(parse_allowed("gb"), Ok(Allowed::Region(country::Id::GB)));
        assert_eq!(parse_allowed("+44"), Ok(Allowed::CallingCode(44)));
        assert!(parse_allowed("Narnia").is_err());
        assert!(parse_allowed("+0").is_err());
        assert!(parse_caller_id("4155550100").unwrap_err().contains("E.164"));
        assert!(parse_caller_id("+1415").is_err());
        assert_eq!(e164_shape("+1 415-555-0100"), Ok("+14155550100".into()));
        assert!(e164_shape("4155550100").unwrap_err().contains("E.164"));
        assert!(e164_shape("+1415").is_err());
        assert!(e164_shape("+1415555010x").is_err());
    }
}
