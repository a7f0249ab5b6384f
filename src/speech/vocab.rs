//! Moonshine's tokens back into text. Its tokenizer is Llama-style BPE; turning ids into text
//! needs only the vocabulary: `▁` is a space, `<0xNN>` pieces are raw bytes of UTF-8, and the
//! special tokens (start, end, unknown) are left out.

use std::collections::HashMap;

use serde::Deserialize;

/// Above any real vocabulary (Moonshine's has 32,768 pieces; the largest models' a few hundred
/// thousand).
const LARGEST_ID: u32 = 1 << 20;

pub struct Vocab {
    pieces: Vec<Option<String>>,
}

#[derive(Deserialize)]
struct TokenizerFile {
    model: Model,
    #[serde(default)]
    added_tokens: Vec<Added>,
}

#[derive(Deserialize)]
struct Model {
    vocab: HashMap<String, u32>,
}

#[derive(Deserialize)]
struct Added {
    id: u32,
    content: String,
    special: bool,
}

impl Vocab {
    /// Reads a Hugging Face `tokenizer.json`, whose ids must be below `LARGEST_ID`.
    pub fn parse(json: &[u8]) -> Result<Vocab, serde_json::Error> {
        let file: TokenizerFile = serde_json::from_slice(json)?;
        let largest = file
            .model
            .vocab
            .values()
            .chain(file.added_tokens.iter().map(|a| &a.id))
            .max()
            .copied();
        // The table is as long as the largest id: a broken or hostile file's id of four billion
        // would ask for a 48 GB one.
        if let Some(id) = largest.filter(|&id| id >= LARGEST_ID) {
            return Err(serde::de::Error::custom(format!(
                "token id {id} is out of range (a tokenizer's ids are below {LARGEST_ID})"
            )));
        }
        let size = largest.map_or(0, |id| id as usize + 1);
        let mut pieces = vec![None; size];
        for (piece, id) in file.model.vocab {
            pieces[id as usize] = Some(piece);
        }
        for added in file.added_tokens {
            pieces[added.id as usize] = (!added.special).then_some(added.content);
        }
        Ok(Vocab { pieces })
    }

    /// The text of `ids`; ids it does not know are left out.
    pub fn decode(&self, ids: &[u32]) -> String {
        let mut bytes = Vec::new();
        for &id in ids {
            let Some(Some(piece)) = self.pieces.get(id as usize) else {
                continue;
            };
            match byte_piece(piece) {
                Some(byte) => bytes.push(byte),
                None => bytes.extend(piece.replace('\u{2581}', " ").as_bytes()),
            }
        }
        String::from_utf8_lossy(&bytes).trim().to_owned()
    }
}

/// `<0xNN>`: one raw byte.
fn byte_piece(piece: &str) -> Option<u8> {
    let hex = piece.strip_prefix("<0x")?.strip_suffix('>')?;
    (hex.len() == 2).then(|| u8::from_str_radix(hex, 16).ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        let json = r#"{"model": {"vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0xC3>": 3,
            "<0xA9>": 4, "▁press": 5, "▁two": 6, "caf": 7}},
            "added_tokens": [{"id": 1, "content": "<s>", "special": true},
            {"id": 2, "content": "</s>", "special": true}]}"#;
        Vocab::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn pieces_join_into_words_without_the_special_tokens() {
        assert_eq!(vocab().decode(&[1, 5, 6, 2]), "press two");
    }

    #[test]
    fn an_id_out_of_range_is_refused_without_a_huge_table() {
        let json = r#"{"model": {"vocab": {"a": 4000000000}}}"#;
        let why = Vocab::parse(json.as_bytes()).err().unwrap().to_string();
        assert!(why.contains("token id 4000000000 is out of range"), "{why}");
    }

    #[test]
    fn byte_pieces_make_utf8_and_unknown_ids_are_left_out() {
        assert_eq!(vocab().decode(&[1, 7, 3, 4, 99]), "café");
    }
}
