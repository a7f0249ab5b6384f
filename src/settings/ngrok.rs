//! How the ngrok tunnel is opened: the authtoken (found where the ngrok agent keeps it too), the
//! domain, and the offline stand-in for ngrok's service that tests name.

use super::{NGROK_AUTHTOKEN, NGROK_DOMAIN, NGROK_TEST_CA, NGROK_TEST_EDGE, Origin, Resolver};
use crate::ngrok_agent;
use crate::secret::Secret;

pub struct Ngrok {
    pub authtoken: Secret,
    /// A reserved or static domain; `None` for whatever ngrok assigns.
    pub domain: Option<String>,
    /// With the Auth Token, ngrok's edge checks Twilio's signatures too (defence in depth).
    pub verify_twilio: Option<Secret>,
    /// Shown in ngrok's dashboard: where the tunnel leads.
    pub forwards_to: String,
    /// A stand-in for ngrok's service, for offline tests.
    pub test_edge: Option<TestEdge>,
}

/// Where the stand-in listens (`C2C_NGROK_TEST_EDGE`) and the CA its certificate comes from
/// (`C2C_NGROK_TEST_CA`): c2c still speaks TLS to it, through the same connector as to ngrok.
pub struct TestEdge {
    pub addr: String,
    pub ca_pem: Vec<u8>,
}

/// `None` when something is missing (recorded in `r`).
pub fn resolve(
    r: &mut Resolver,
    verify_twilio: Option<Secret>,
    forwards_to: String,
) -> Option<Ngrok> {
    let authtoken = authtoken(r).map(|(token, _)| token);
    let domain = r.optional(&NGROK_DOMAIN, |v| {
        let domain = v
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned();
        if domain.is_empty() || domain.contains('/') || domain.contains(' ') {
            Err(format!("{v:?} is not a domain name"))
        } else {
            Ok(domain)
        }
    });
    let test_edge = test_edge(r);
    Some(Ngrok {
        authtoken: authtoken?,
        domain,
        verify_twilio,
        forwards_to,
        test_edge: test_edge?,
    })
}

/// `Some(None)` when no stand-in is named; `None` when it is named but cannot be used.
fn test_edge(r: &mut Resolver) -> Option<Option<TestEdge>> {
    let Some(addr) = r.optional(&NGROK_TEST_EDGE, |v| Ok(v.to_owned())) else {
        return Some(None);
    };
    let ca_pem = r.require(&NGROK_TEST_CA, |path| {
        std::fs::read(path).map_err(|err| format!("cannot read {path:?} ({err})"))
    })?;
    Some(Some(TestEdge { addr, ca_pem }))
}

/// The ngrok authtoken and where it came from, highest first: `--authtoken`, `NGROK_AUTHTOKEN`
/// (also from .env), the ngrok agent's config file, c2c's config file.
pub fn authtoken(r: &mut Resolver) -> Option<(Secret, String)> {
    let found = r.lookup(&NGROK_AUTHTOKEN);
    let from_c2c_config = matches!(found.as_ref().map(|f| &f.origin), Some(Origin::File(..)));
    if let Some(found) = &found
        && !from_c2c_config
    {
        return Some((Secret::new(found.value.trim()), found.origin.to_string()));
    }
    let paths = ngrok_agent::config_paths();
    match ngrok_agent::authtoken(&paths) {
        Ok(Some((token, path))) => {
            tracing::debug!("using the ngrok authtoken in {}", path.display());
            return Some((token, format!("the ngrok agent's {}", path.display())));
        }
        Ok(None) => {}
        Err(why) => {
            r.missing("ngrok authtoken", why);
            return None;
        }
    }
    if let Some(found) = found {
        return Some((Secret::new(found.value.trim()), found.origin.to_string()));
    }
    let places: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    r.missing(
        "ngrok authtoken",
        format!(
            "c2c looked in --authtoken, NGROK_AUTHTOKEN (environment and .env), the ngrok agent's config ({}) and ngrok_authtoken in c2c's config file. Get a token at https://dashboard.ngrok.com/get-started/your-authtoken and set NGROK_AUTHTOKEN.",
            places.join(", ")
        ),
    );
    None
}
