//! `c2c tunnel`: the tunnel alone, forwarding to a server that already runs on a local port.

use crate::bring_up;
use crate::error::Error;
use crate::settings::tunnel::Tunnel;
use crate::shutdown::Shutdown;
use crate::tunnel;

pub fn run(settings: Tunnel) -> Result<(), Error> {
    let Tunnel { bringup, local } = settings;
    if bringup.ngrok.verify_twilio.is_none() {
        tracing::warn!(
            "TWILIO_AUTH_TOKEN is not set, so ngrok's edge cannot check Twilio's signatures: anyone who finds the tunnel's address reaches your server. Set it (it is on the Twilio Console's home page)."
        );
    }
    super::runtime()?.block_on(async move {
        let mut stop = Shutdown::listen()?;
        let Some(mut up) = bring_up::bring_up(bringup, &mut stop).await? else {
            return Ok(());
        };
        tracing::info!(
            "ready: the TwiML App {} sends calls to {}, forwarded to {local}",
            up.app_sid(),
            up.voice_url()
        );
        let failure = up
            .serve_until_stopped(
                stop.requested(),
                std::future::pending(),
                |conn, peer| tunnel::forward(conn, peer, local),
                |_| {},
            )
            .await;
        up.tear_down(failure).await
    })
}
