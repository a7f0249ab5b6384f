//! Lists the territories of libphonenumber's metadata (`assets/phone-data/metadata.bin`, the
//! rlibphonenumber crate's own copy) as c2c reads them before loading any: region, calling code,
//! and whether the region stands for its code. Run through `scripts/make-phone-data`.

use prost::Message;
use rlibphonenumber::PhoneMetadataCollection;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, metadata] = args.as_slice() else {
        return Err("usage: phone_data metadata.bin > territories.txt".into());
    };
    let collection = PhoneMetadataCollection::decode(std::fs::read(metadata)?.as_slice())?;
    for territory in collection.metadata {
        if let Some(code) = territory.country_code {
            let main = if territory.main_country_for_code() {
                " main"
            } else {
                ""
            };
            println!("{} {code}{main}", territory.id);
        }
    }
    Ok(())
}
