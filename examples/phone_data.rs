//! Writes libphonenumber's metadata, as the `phonenumber` crate reads it, to the compact file
//! c2c embeds (`assets/phone-data/metadata.postcard`). Run through `scripts/make-phone-data`,
//! which finds the crate's own copy of `PhoneNumberMetadata.xml`.

use std::io::BufReader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, xml, out] = args.as_slice() else {
        return Err("usage: phone_data PhoneNumberMetadata.xml OUT".into());
    };
    let file = std::fs::File::open(xml)?;
    let metadata = phonenumber::metadata::loader::load(BufReader::new(file))
        .map_err(|err| format!("{xml}: {err:?}"))?;
    std::fs::write(out, postcard::to_allocvec(&metadata)?)?;
    eprintln!("{out}: {} territories", metadata.len());
    Ok(())
}
