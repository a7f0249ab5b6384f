//! The dial policy: which numbers the page may call, on the user's bill.
//!
//! Numbers are parsed with libphonenumber's data (through the `rlibphonenumber` crate),
//! normalised to E.164 and allowed only in the configured countries; premium-rate and shared-cost
//! numbers are refused where the data can tell. This is what stands between a leaked token and
//! toll fraud.

mod data;
mod refusal;

pub use refusal::Refusal;

use std::fmt;

use rlibphonenumber::{PhoneNumber, PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil, Region};

use data::Territory;

/// A country the page may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// A region (ISO 3166 code): `US` allows the United States but not the rest of +1.
    Region(Region),
    /// Every region that shares a calling code: `+1` allows the whole North American plan.
    CallingCode(i32),
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Allowed::Region(region) => write!(f, "{region}"),
            Allowed::CallingCode(code) => write!(f, "+{code}"),
        }
    }
}

/// Parses `US`, `gb` or `+44`: a region or a calling code that has phone numbers.
pub fn parse_allowed(text: &str) -> Result<Allowed, String> {
    let text = text.trim();
    let known = |allowed: &Allowed| {
        data::territories().any(|t| match allowed {
            Allowed::Region(region) => t.region == *region,
            Allowed::CallingCode(code) => t.code == *code,
        })
    };
    if let Some(code) = text.strip_prefix('+') {
        return code
            .parse::<i32>()
            .ok()
            .map(Allowed::CallingCode)
            .filter(known)
            .ok_or_else(|| format!("{text:?} is not a country calling code such as +44"));
    }
    Region::from_code(text)
        .ok()
        .map(Allowed::Region)
        .filter(known)
        .ok_or_else(|| {
            format!(
                "{text:?} is neither a region code such as US or GB nor a calling code such as +44"
            )
        })
}

/// Whether `target` is something to call at all: `client:NAME`, or a number as people write one
/// (digits, with `+`, spaces, `-`, `.` and brackets). What is not is a usage error, said before
/// the dial policy is asked whether it may be dialled.
pub fn target_shape(target: &str) -> Result<(), String> {
    if target.starts_with("client:") {
        return Ok(());
    }
    let digits = target.chars().filter(char::is_ascii_digit).count();
    if digits == 0
        || !target
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')'))
    {
        return Err(format!(
            "{target:?} is not a phone number: give one in E.164 form (+ and the country code, such as +14155552671), or client:NAME for a browser"
        ));
    }
    Ok(())
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
            "{text:?} is not in E.164 form (+ and the country code, such as +14155552671)"
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

pub struct DialPolicy {
    allowed: Vec<Allowed>,
    /// For numbers typed without a country code.
    home: Option<Region>,
    /// libphonenumber, knowing the calling codes this policy can dial and the caller ID's.
    util: PhoneNumberUtil,
}

impl DialPolicy {
    /// Allows `allowed`, or only the caller ID's own region when that is empty. Fails when the
    /// caller ID is not a valid number in E.164 form, saying why.
    pub fn load(caller_id: &str, allowed: Vec<Allowed>) -> Result<Self, String> {
        if !caller_id.trim().starts_with('+') {
            return Err(format!(
                "{caller_id:?} is not in E.164 form (+ and the country code)"
            ));
        }
        let caller_code = calling_code(caller_id);
        // The calling codes to load, worked out once: the caller ID's and each allowed one's.
        let mut codes: Vec<i32> = caller_code.into_iter().collect();
        for allowed in &allowed {
            match allowed {
                Allowed::CallingCode(code) => codes.push(*code),
                Allowed::Region(region) => codes.extend(
                    data::territories()
                        .filter(|t| t.region == *region)
                        .map(|t| t.code),
                ),
            }
        }
        let util = data::util(|code| codes.contains(&code))?;
        let caller = match util.parse(caller_id, None) {
            Ok(number) if util.is_valid_number(&number) => number,
            _ => return Err(format!("{caller_id:?} is not a valid phone number")),
        };
        let home = util.get_region_for_number(&caller);
        let allowed = match (allowed.is_empty(), home) {
            (false, _) => allowed,
            (true, Some(region)) => vec![Allowed::Region(region)],
            (true, None) => vec![Allowed::CallingCode(caller.country_code)],
        };
        let policy = DialPolicy {
            allowed,
            home,
            util,
        };
        // The first check of a region compiles its patterns (microseconds each); done now, the
        // first call does not wait for them.
        let _ = policy.check(caller_id);
        Ok(policy)
    }

    pub fn allowed(&self) -> &[Allowed] {
        &self.allowed
    }

    /// Parses `text` as written: international (`+…`) by its own calling code, national in the
    /// caller ID's country.
    fn parse(&self, text: &str) -> Option<PhoneNumber> {
        self.util.parse(text.trim(), self.home).ok()
    }

    fn e164(&self, number: &PhoneNumber) -> String {
        self.util
            .format(number, PhoneNumberFormat::E164)
            .into_owned()
    }

    /// Whether `text` is the same number as `e164`, however it is written.
    pub fn same_number(&self, text: &str, e164: &str) -> bool {
        self.parse(text)
            .is_some_and(|number| self.e164(&number) == e164)
    }

    /// The E.164 form of `text` when the policy allows calling it.
    pub fn check(&self, text: &str) -> Result<String, Refusal> {
        let Some(number) = self.parse(text) else {
            return Err(outside(text).unwrap_or(Refusal::Unreadable));
        };
        let e164 = self.e164(&number);
        if !self.util.is_valid_number(&number) {
            return Err(Refusal::Invalid { e164 });
        }
        let region = self.util.get_region_for_number(&number);
        let code = number.country_code;
        let allowed = self.allowed.iter().any(|allowed| match allowed {
            Allowed::Region(id) => region == Some(*id),
            Allowed::CallingCode(c) => *c == code,
        });
        if !allowed {
            let region = region.map_or_else(|| format!("+{code}"), |id| id.to_string());
            return Err(Refusal::Country { e164, region });
        }
        match self.util.get_number_type(&number) {
            PhoneNumberType::PremiumRate => Err(Refusal::Costly {
                e164,
                kind: "premium-rate",
            }),
            PhoneNumberType::SharedCost => Err(Refusal::Costly {
                e164,
                kind: "shared-cost",
            }),
            _ => Ok(e164),
        }
    }
}

/// The country an E.164 number is in, by libphonenumber (+1 415… is US, +1 416… is CA).
pub fn country_of(e164: &str) -> Option<Region> {
    let code = calling_code(e164)?;
    let util = data::util(|c| c == code).ok()?;
    let number = util.parse(e164, None).ok()?;
    util.get_region_for_number(&number)
}

/// The territory that stands for a calling code (+1: US, +44: GB).
pub fn main_region(code: i32) -> Option<Region> {
    let sharing: Vec<Territory> = data::territories().filter(|t| t.code == code).collect();
    sharing
        .iter()
        .find(|t| t.main)
        .or(sharing.first())
        .map(|t| t.region)
}

/// An international number whose calling code the policy did not load: only the allowed codes
/// (and the caller ID's) are, so it is in a country the policy does not allow. The territory list
/// still names that country.
fn outside(text: &str) -> Option<Refusal> {
    let digits: String = text
        .trim()
        .strip_prefix('+')?
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(8..=15).contains(&digits.len()) {
        return None;
    }
    let e164 = format!("+{digits}");
    let region = main_region(calling_code(&e164)?)?;
    Some(Refusal::Country {
        e164,
        region: region.to_string(),
    })
}

/// The calling code an E.164 number starts with: codes are one to three digits, and none is the
/// start of another.
fn calling_code(e164: &str) -> Option<i32> {
    let digits = e164.trim().strip_prefix('+')?;
    (1..=3).find_map(|len| {
        let code = digits.get(..len)?.parse::<i32>().ok()?;
        data::territories().any(|t| t.code == code).then_some(code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us_policy(extra: &[&str]) -> DialPolicy {
        let allowed = extra.iter().map(|a| parse_allowed(a).unwrap()).collect();
        DialPolicy::load("+14155550100", allowed).unwrap()
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
        assert_eq!(parse_allowed("gb"), Ok(Allowed::Region(Region::GB)));
        assert_eq!(parse_allowed("+44"), Ok(Allowed::CallingCode(44)));
        assert!(parse_allowed("Narnia").is_err());
        // Two letters, but no country: libphonenumber has no numbers for it.
        assert!(parse_allowed("XX").is_err());
        assert!(parse_allowed("+0").is_err());
        assert!(parse_allowed("+999").is_err());
        let caller = |text| DialPolicy::load(text, Vec::new()).err().unwrap_or_default();
        assert!(
            caller("4155550100").contains("E.164"),
            "{}",
            caller("4155550100")
        );
        assert!(caller("+1415").contains("not a valid phone number"));
        assert!(caller("+14155550100").is_empty());
        assert_eq!(e164_shape("+1 415-555-0100"), Ok("+14155550100".into()));
        assert!(e164_shape("4155550100").unwrap_err().contains("E.164"));
        assert!(e164_shape("+1415").is_err());
        assert!(e164_shape("+1415555010x").is_err());
    }

    #[test]
    fn numbers_outside_the_loaded_codes_are_refused_with_their_country() {
        let policy = us_policy(&[]);
        assert_eq!(
            policy.check("+33 1 42 68 53 00"),
            Err(Refusal::Country {
                e164: "+33142685300".into(),
                region: "FR".into()
            })
        );
        assert!(matches!(
            policy.check("+999 1234 5678"),
            Err(Refusal::Invalid { .. } | Refusal::Unreadable)
        ));
    }

    #[test]
    fn international_input_keeps_its_own_national_digits() {
        // phonenumber 0.3.10, c2c's earlier crate, stripped the default region's national
        // prefix from international input: +33 1 42… read with region FR lost its 1.
        let policy = DialPolicy::load("+33142685300", Vec::new()).unwrap();
        assert_eq!(policy.check("+33 1 42 68 53 00"), Ok("+33142685300".into()));
        assert_eq!(policy.check("01 42 68 53 00"), Ok("+33142685300".into()));
        let policy = DialPolicy::load("+14155550100", vec![Allowed::Region(Region::FR)]);
        assert_eq!(
            policy.unwrap().check("+33 1 42 68 53 00"),
            Ok("+33142685300".into())
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            /// Whatever the page sends as To, the policy answers without panicking, and a
            /// number it allows is E.164, in an allowed country, and allowed again as written.
            #[test]
            fn only_allowed_e164_numbers_pass(text in "[+]?[0-9 ()+.-]{0,20}|.{0,24}") {
                static POLICY: std::sync::OnceLock<DialPolicy> = std::sync::OnceLock::new();
                let policy = POLICY.get_or_init(|| us_policy(&["GB"]));
                if let Ok(e164) = policy.check(&text) {
                    prop_assert!(e164.starts_with('+'));
                    prop_assert!(e164[1..].bytes().all(|b| b.is_ascii_digit()));
                    prop_assert!(e164.starts_with("+44"), "{}", e164);
                    prop_assert_eq!(policy.check(&e164), Ok(e164.clone()));
                }
            }
        }
    }
}
