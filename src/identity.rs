//! Client identities: the names browsers register under with Twilio, and the random text
//! fresh ones (and `--share`'s password) are made of.

/// Twilio's limit on a client identity's length.
const MAX_IDENTITY_LEN: usize = 121;

/// Checks an identity against what Twilio's Voice SDK and `<Client>` dialling accept.
pub fn check(identity: &str) -> Result<(), String> {
    if identity.is_empty() {
        return Err("it is empty".to_owned());
    }
    if identity.len() > MAX_IDENTITY_LEN {
        return Err(format!(
            "it is {} characters long, and Twilio allows {MAX_IDENTITY_LEN}",
            identity.len()
        ));
    }
    match identity
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-.".contains(*c)))
    {
        Some(c) => Err(format!(
            "it contains {c:?}, and calls to a browser identity work reliably only with letters, digits, _, - and ."
        )),
        None => Ok(()),
    }
}

/// A readable identity that differs from run to run and from tab to tab, such as
/// `browser-k3f9xq`.
pub fn fresh() -> String {
    // Identities are labels, not secrets: without an entropy source a fixed suffix will do.
    format!(
        "browser-{}",
        random_text(6).unwrap_or_else(|_| "aaaaaa".to_owned())
    )
}

/// `len` random characters that survive being read aloud or copied by hand (no 0/o, 1/l);
/// five bits of entropy each.
pub fn random_text(len: usize) -> Result<String, getrandom::Error> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = vec![0u8; len];
    random_bytes(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Bytes drawn from the OS's generator at a time, per thread.
const RANDOM_POOL: usize = 512;

/// Fills `out` from the OS's generator through a per-thread pool: one system call per 512 bytes
/// instead of one per token, which `GET /token` under load notices. No byte is handed out twice.
fn random_bytes(out: &mut [u8]) -> Result<(), getrandom::Error> {
    thread_local! {
        static POOL: std::cell::RefCell<([u8; RANDOM_POOL], usize)> =
            const { std::cell::RefCell::new(([0; RANDOM_POOL], RANDOM_POOL)) };
    }
    if out.len() > RANDOM_POOL {
        return getrandom::fill(out);
    }
    POOL.with_borrow_mut(|(pool, used)| {
        if RANDOM_POOL - *used < out.len() {
            getrandom::fill(pool)?;
            *used = 0;
        }
        let taken = &mut pool[*used..*used + out.len()];
        out.copy_from_slice(taken);
        taken.fill(0);
        *used += out.len();
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_random_bytes_never_repeat_across_refills() {
        // 6 bytes at a time through several 512-byte refills: a byte handed out twice, or a
        // pool not refilled, would show as equal draws.
        let draws: std::collections::HashSet<[u8; 6]> = (0..1000)
            .map(|_| {
                let mut draw = [0u8; 6];
                random_bytes(&mut draw).unwrap();
                draw
            })
            .collect();
        assert_eq!(draws.len(), 1000);
        let mut big = vec![0u8; RANDOM_POOL + 1];
        random_bytes(&mut big).unwrap();
        assert!(big.iter().any(|b| *b != 0));
    }

    #[test]
    fn identities_are_checked_and_fresh_ones_pass_and_differ() {
        assert!(check("alice_01.b-c").is_ok());
        assert!(check("").is_err());
        assert!(check("a b").unwrap_err().contains("' '"));
        assert!(check(&"x".repeat(122)).is_err());
        let (a, b) = (fresh(), fresh());
        assert!(check(&a).is_ok());
        assert!(a.starts_with("browser-") && a.len() == 14);
        assert_ne!(a, b);
    }
}
