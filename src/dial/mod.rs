//! The dial policy: which numbers the page may call, on the user's bill.
//!
//! Numbers are parsed with libphonenumber's data (the `phonenumber` crate), normalised to E.164
//! and allowed only in the configured countries; premium-rate and shared-cost numbers are refused
//! where the data can tell. This is what stands between a leaked token and toll fraud.

mod data;

use std::fmt;

use phonenumber::country;
use phonenumber::metadata::Database;
use phonenumber::{Mode, PhoneNumber, Type};

use data::Territory;

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

pub struct DialPolicy {
    allowed: Vec<Allowed>,
    /// For numbers typed without a country code.
    home: Option<country::Id>,
    /// The metadata of the calling codes this policy can dial, and the caller ID's.
    database: Database,
    /// Every territory, to name the country of a number whose calling code is not loaded.
    territories: Vec<Territory>,
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
        let all = data::load(|_| false)?.territories;
        let caller_code = calling_code(&all, caller_id);
        let wanted = |code: u16| {
            Some(code) == caller_code
                || allowed.iter().any(|allowed| match allowed {
                    Allowed::CallingCode(c) => *c == code,
                    Allowed::Region(id) => {
                        all.iter().any(|t| t.code == code && t.id == id.as_ref())
                    }
                })
        };
        let data = data::load(wanted)?;
        let caller = match phonenumber::parse_with(&data.database, None, caller_id) {
            Ok(number) if number.is_valid_with(&data.database) => number,
            _ => return Err(format!("{caller_id:?} is not a valid phone number")),
        };
        let home = region(&data.database, &caller);
        let allowed = match (allowed.is_empty(), home) {
            (false, _) => allowed,
            (true, Some(id)) => vec![Allowed::Region(id)],
            (true, None) => vec![Allowed::CallingCode(caller.code().value())],
        };
        let policy = DialPolicy {
            allowed,
            home,
            database: data.database,
            territories: data.territories,
        };
        // The first check of a region compiles its patterns; done now, the first call does not
        // wait for it.
        let _ = policy.check(caller_id);
        Ok(policy)
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
        phonenumber::parse_with(&self.database, region, text)
    }

    /// Whether `text` is the same number as `e164`, however it is written.
    pub fn same_number(&self, text: &str, e164: &str) -> bool {
        self.parse(text)
            .is_ok_and(|number| self.e164(&number) == e164)
    }

    fn e164(&self, number: &PhoneNumber) -> String {
        number
            .format_with(&self.database)
            .mode(Mode::E164)
            .to_string()
    }

    /// The E.164 form of `text` when the policy allows calling it.
    pub fn check(&self, text: &str) -> Result<String, Refusal> {
        let number = match self.parse(text) {
            Ok(number) => number,
            Err(_) => return Err(self.outside(text).unwrap_or(Refusal::Unreadable)),
        };
        let e164 = self.e164(&number);
        let code = number.code().value();
        if !number.is_valid_with(&self.database) {
            return Err(Refusal::Invalid { e164 });
        }
        let region = region(&self.database, &number);
        let allowed = self.allowed.iter().any(|allowed| match allowed {
            Allowed::Region(id) => region == Some(*id),
            Allowed::CallingCode(c) => *c == code,
        });
        if !allowed {
            let region = region.map_or_else(|| format!("+{code}"), |id| id.as_ref().to_owned());
            return Err(Refusal::Country { e164, region });
        }
        match number.number_type(&self.database) {
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

    /// An international number whose calling code was not loaded: only the allowed codes (and
    /// the caller ID's) are, so it is in a country the policy does not allow. The territory
    /// table still names that country.
    fn outside(&self, text: &str) -> Option<Refusal> {
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
        let code = calling_code(&self.territories, &e164)?;
        let region = self.main_region(code)?;
        Some(Refusal::Country { e164, region })
    }

    /// The territory that stands for a calling code (+1: US, +44: GB).
    fn main_region(&self, code: u16) -> Option<String> {
        let mut sharing = self.territories.iter().filter(|t| t.code == code);
        let first = sharing.clone().next()?;
        Some(sharing.find(|t| t.main).unwrap_or(first).id.clone())
    }
}

/// The region a number belongs to, by the loaded metadata.
fn region(database: &Database, number: &PhoneNumber) -> Option<country::Id> {
    number.metadata(database)?.id().parse().ok()
}

/// The calling code an E.164 number starts with: codes are one to three digits, and none is the
/// start of another.
fn calling_code(territories: &[Territory], e164: &str) -> Option<u16> {
    let digits = e164.trim().strip_prefix('+')?;
    (1..=3).find_map(|len| {
        let code = digits.get(..len)?.parse::<u16>().ok()?;
        territories.iter().any(|t| t.code == code).then_some(code)
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
        assert_eq!(parse_allowed("gb"), Ok(Allowed::Region(country::Id::GB)));
        assert_eq!(parse_allowed("+44"), Ok(Allowed::CallingCode(44)));
        assert!(parse_allowed("Narnia").is_err());
        assert!(parse_allowed("+0").is_err());
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
        // phonenumber 0.3.10, given a default region, strips that region's national prefix from
        // international input: +33 1 42… read with region FR would lose its 1. The policy
        // parses international input without one.
        let policy = DialPolicy::load("+33142685300", Vec::new()).unwrap();
        assert_eq!(policy.check("+33 1 42 68 53 00"), Ok("+33142685300".into()));
        assert_eq!(policy.check("01 42 68 53 00"), Ok("+33142685300".into()));
        let policy = DialPolicy::load("+14155550100", vec![Allowed::Region(country::Id::FR)]);
        assert_eq!(
            policy.unwrap().check("+33 1 42 68 53 00"),
            Ok("+33142685300".into())
        );
    }

    /// c2c's embedded metadata answers as the phonenumber crate's own database does: the same
    /// E.164 form, validity, type and region, in every allowed country.
    #[test]
    fn the_embedded_data_agrees_with_the_crates_own_database() {
        use phonenumber::metadata::DATABASE;
        let samples = [
            ("+14155552671", "US"),
            ("+12125550123", "US"),
            ("+18765550123", "JM"),
            ("+16135550123", "CA"),
            ("+19005550123", "US"),
            ("+442079460958", "GB"),
            ("+447700900123", "GB"),
            ("+449098790000", "GB"),
            ("+33142685300", "FR"),
            ("+33810123456", "FR"),
            ("+33612345678", "FR"),
            ("+4930123456", "DE"),
            ("+4915123456789", "DE"),
            ("+390612345678", "IT"),
            ("+61291234567", "AU"),
            ("+819012345678", "JP"),
            ("+5511912345678", "BR"),
            ("+919812345678", "IN"),
        ];
        let everywhere: Vec<Allowed> = samples
            .iter()
            .map(|(_, region)| parse_allowed(region).unwrap())
            .collect();
        let policy = DialPolicy::load("+14155550100", everywhere).unwrap();
        for (text, _) in samples {
            let theirs = phonenumber::parse(None, text).unwrap();
            let ours = policy.parse(text).unwrap();
            assert_eq!(
                policy.e164(&ours),
                theirs.format().mode(Mode::E164).to_string()
            );
            assert_eq!(
                ours.is_valid_with(&policy.database),
                theirs.is_valid(),
                "{text}"
            );
            assert_eq!(
                ours.number_type(&policy.database),
                theirs.number_type(&DATABASE),
                "{text}"
            );
            assert_eq!(
                region(&policy.database, &ours),
                theirs.country().id(),
                "{text}"
            );
        }
    }
}
