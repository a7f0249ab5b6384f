//! Minting one Access Token: the work behind every `GET /token`.
//! Run with `cargo bench --bench token`.

use c2c::secret::Secret;
use c2c::sid::{Sid, SidKind};
use c2c::token::{Minter, VoiceGrant};

fn main() {
    divan::main();
}

fn minter() -> Minter {
    let sid = |kind, text| Sid::parse(kind, text).expect("a valid SID");
    Minter::new(
        sid(SidKind::Account, "AC0123456789abcdef0123456789abcdef"),
        sid(SidKind::ApiKey, "SK0123456789abcdef0123456789abcdef"),
        &Secret::new("benchSecret0123456789abcdefghijk"),
        sid(SidKind::Application, "AP0123456789abcdef0123456789abcdef"),
        None,
    )
}

#[divan::bench]
fn mint_one_token(bencher: divan::Bencher) {
    let minter = minter();
    let grant = VoiceGrant {
        incoming_allow: true,
        ..VoiceGrant::default()
    };
    bencher.bench(|| {
        minter.mint(
            divan::black_box("browser-k3f9xq"),
            3600,
            &grant,
            1_700_000_000,
        )
    });
}

#[divan::bench]
fn build_the_minter(bencher: divan::Bencher) {
    bencher.bench(minter);
}
