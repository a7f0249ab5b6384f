//! libphonenumber's metadata, embedded, and loaded only for the calling codes a run can dial.
//!
//! The whole plan is 254 territories; the dial policy needs validity, type and region only for
//! the countries it allows (and the caller ID's). c2c keeps the rlibphonenumber crate's own copy
//! of the metadata (`assets/phone-data/`, by `scripts/make-phone-data`) with a list of its
//! territories, and builds a `PhoneNumberUtil` of just the calling codes it needs: about a
//! millisecond and a few hundred kilobytes. A test checks it answers as the crate's data does.

use prost::Message;
use rlibphonenumber::{PhoneMetadata, PhoneMetadataCollection, PhoneNumberUtil, Region};

const METADATA: &[u8] = include_bytes!("../../assets/phone-data/metadata.bin");
const TERRITORIES: &str = include_str!("../../assets/phone-data/territories.txt");

/// One territory of the numbering plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Territory {
    pub region: Region,
    pub code: i32,
    /// Whether this territory stands for its calling code (+1: US, +44: GB).
    pub main: bool,
}

/// Every territory, read from the embedded list without loading any patterns.
pub fn territories() -> impl Iterator<Item = Territory> {
    TERRITORIES.lines().filter_map(|line| {
        let mut words = line.split_whitespace();
        let region = Region::from_code(words.next()?).ok()?;
        let code = words.next()?.parse().ok()?;
        Some(Territory {
            region,
            code,
            main: words.next() == Some("main"),
        })
    })
}

/// A `PhoneNumberUtil` that knows the territories whose calling code `wanted` accepts.
pub fn util(wanted: impl Fn(i32) -> bool) -> Result<PhoneNumberUtil, String> {
    let damaged = |why: String| format!("c2c's phone-number data is damaged ({why})");
    let mut metadata = Vec::new();
    let mut entries = entries(METADATA);
    // The territory list is in the metadata's order, so only the wanted entries are decoded.
    for territory in territories() {
        let entry = entries
            .next()
            .ok_or_else(|| damaged("fewer entries than territories".to_owned()))?
            .map_err(damaged)?;
        if wanted(territory.code) {
            metadata.push(PhoneMetadata::decode(entry).map_err(|err| damaged(err.to_string()))?);
        }
    }
    PhoneNumberUtil::new_for_metadata(PhoneMetadataCollection { metadata })
        .map_err(|err| damaged(err.to_string()))
}

/// The encoded entries of a `PhoneMetadataCollection` (field 1, repeated), without decoding them.
fn entries(mut bytes: &[u8]) -> impl Iterator<Item = Result<&[u8], String>> {
    std::iter::from_fn(move || {
        if bytes.is_empty() {
            return None;
        }
        let mut entry = || {
            let key = prost::encoding::decode_varint(&mut bytes).map_err(|e| e.to_string())?;
            if key != (1 << 3 | 2) {
                return Err(format!("unexpected field key {key}"));
            }
            let len = prost::encoding::decode_varint(&mut bytes).map_err(|e| e.to_string())?;
            let len = usize::try_from(len).map_err(|e| e.to_string())?;
            let (entry, rest) = bytes
                .split_at_checked(len)
                .ok_or_else(|| "an entry runs past the end".to_owned())?;
            bytes = rest;
            Ok(entry)
        };
        let result = entry();
        if result.is_err() {
            bytes = &[];
        }
        Some(result)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType};

    use crate::dial::{Allowed, DialPolicy};

    /// c2c's copy of the metadata, loaded for a few calling codes, answers as the crate's own
    /// whole copy does: for every example number libphonenumber has, of every type, in every
    /// territory of those codes, the same E.164 form, validity, type and region.
    #[test]
    fn the_embedded_data_agrees_with_the_crates_own() {
        let theirs = PhoneNumberUtil::new().unwrap();
        let codes = [1, 33, 44, 49, 39, 61, 81, 55, 91];
        let allowed = codes.iter().map(|c| Allowed::CallingCode(*c)).collect();
        let policy = DialPolicy::load("+14155550100", allowed).unwrap();
        let ours = &policy.util;
        let mut compared = 0;
        for territory in territories().filter(|t| codes.contains(&t.code)) {
            for kind in [
                PhoneNumberType::FixedLine,
                PhoneNumberType::Mobile,
                PhoneNumberType::TollFree,
                PhoneNumberType::PremiumRate,
                PhoneNumberType::SharedCost,
                PhoneNumberType::VoIP,
            ] {
                let Ok(example) =
                    theirs.get_example_number_for_type_and_region(territory.region, kind)
                else {
                    continue;
                };
                let text = theirs
                    .format(&example, PhoneNumberFormat::E164)
                    .into_owned();
                let number = ours.parse(&text, None).unwrap();
                assert_eq!(policy.e164(&number), text);
                assert_eq!(
                    ours.is_valid_number(&number),
                    theirs.is_valid_number(&example),
                    "{text}"
                );
                assert_eq!(
                    ours.get_number_type(&number),
                    theirs.get_number_type(&example),
                    "{text}"
                );
                assert_eq!(
                    ours.get_region_for_number(&number),
                    theirs.get_region_for_number(&example),
                    "{text}"
                );
                compared += 1;
            }
        }
        assert!(compared > 100, "only {compared} numbers compared");
    }

    /// The territory list is the one the metadata holds.
    #[test]
    fn the_territory_list_matches_the_metadata() {
        let util = util(|_| true).unwrap();
        // Non-geographic codes (+800, +882, …) all share the region 001.
        let listed: Vec<Territory> = territories()
            .filter(|t| t.region != Region::World)
            .collect();
        assert_eq!(listed.len(), util.get_supported_regions().count());
        for territory in &listed {
            assert_eq!(
                util.get_country_code_for_region(territory.region),
                Some(territory.code),
                "{}",
                territory.region
            );
        }
    }
}
