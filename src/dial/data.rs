//! libphonenumber's metadata, embedded compactly, and loaded only for the calling codes a run
//! can dial.
//!
//! The `phonenumber` crate's own database holds every territory: loading it checks the syntax of
//! thousands of patterns (50 to 130 ms on the first call) and keeps about 4 MB. The dial policy
//! needs validity, type and region only for the countries it allows (and the caller ID's), so
//! c2c keeps the same metadata (`assets/phone-data/`, written by `scripts/make-phone-data` from
//! the crate's copy) and builds a database of just those calling codes: a millisecond or two and
//! a few hundred kilobytes. A test checks it answers as the crate's full database does.

use phonenumber::metadata::{Database, loader};

const METADATA: &[u8] = include_bytes!("../../assets/phone-data/metadata.postcard");

/// One territory of the whole plan, for numbers outside the loaded calling codes.
#[derive(Debug, Clone)]
pub struct Territory {
    pub id: String,
    pub code: u16,
    /// The territory a refusal names for this calling code (+1: US, +44: GB).
    pub main: bool,
}

/// The metadata for some calling codes, and every territory's code.
pub struct PhoneData {
    pub database: Database,
    pub territories: Vec<Territory>,
}

/// The database of the territories whose calling code `wanted` accepts, and every territory's
/// code.
pub fn load(wanted: impl Fn(u16) -> bool) -> Result<PhoneData, String> {
    let mut territories = Vec::new();
    let mut kept = Vec::new();
    each(|meta| {
        let (Some(id), Some(code)) = (&meta.id, meta.country_code) else {
            return;
        };
        territories.push(Territory {
            id: id.clone(),
            code,
            main: meta.main_country_for_code,
        });
        if wanted(code) {
            kept.push(meta);
        }
    })?;
    let database = Database::from(kept)
        .map_err(|err| format!("c2c's phone-number data is damaged ({err:?})"))?;
    Ok(PhoneData {
        database,
        territories,
    })
}

/// Decodes one territory at a time, so that the whole plan is never in memory at once.
fn each(mut visit: impl FnMut(loader::Metadata)) -> Result<(), String> {
    let damaged = |err: postcard::Error| format!("c2c's phone-number data is damaged ({err})");
    let (count, mut rest) = postcard::take_from_bytes::<usize>(METADATA).map_err(damaged)?;
    for _ in 0..count {
        let (meta, next) = postcard::take_from_bytes::<loader::Metadata>(rest).map_err(damaged)?;
        visit(meta);
        rest = next;
    }
    Ok(())
}
