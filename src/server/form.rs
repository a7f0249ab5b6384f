//! Twilio's webhook bodies: `application/x-www-form-urlencoded`, read strictly.

/// Strict `application/x-www-form-urlencoded`: UTF-8, and every `%` followed by two hex digits.
pub fn parse(body: &[u8]) -> Option<Vec<(String, String)>> {
    let text = std::str::from_utf8(body).ok()?;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
    }
    let mut params = Vec::new();
    for (name, value) in form_urlencoded::parse(bytes) {
        if name.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
            return None;
        }
        params.push((name.into_owned(), value.into_owned()));
    }
    Some(params)
}

/// The (trimmed) value of `name`, or "" when it is absent.
pub fn param<'a>(params: &'a [(String, String)], name: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_parsed_strictly() {
        let params = parse(b"To=%2B15551234567&From=client%3Aalice&Note=h%C3%A9+llo").unwrap();
        assert_eq!(params[0], ("To".into(), "+15551234567".into()));
        assert_eq!(params[2], ("Note".into(), "hé llo".into()));
        assert!(parse(b"To=%zz").is_none());
        assert!(parse(b"To=%2").is_none());
        assert!(parse(b"To=%FF").is_none());
        assert!(parse(&[0xff, 0xfe]).is_none());
        assert_eq!(parse(b"").unwrap(), vec![]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            any::<String>().prop_filter("U+FFFD stands for bytes that were not UTF-8", |s| {
                !s.contains('\u{FFFD}')
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn any_bytes_are_parsed_or_refused_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = parse(&body);
            }

            #[test]
            fn what_a_form_encoder_writes_is_read_back_as_it_was(
                params in proptest::collection::vec((text(), text()), 0..8)
            ) {
                let body = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&params)
                    .finish();
                prop_assert_eq!(parse(body.as_bytes()), Some(params));
            }
        }
    }
}
