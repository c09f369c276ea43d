//! Where a request comes from, as the account's activity and the owner's alerts tell
//! it: the browser's name, the country of its address (the address the per-address
//! limits use), and its network, never the whole address.

use crate::server::{
    auth::user_agent,
    http::{client_ip, request::RequestContext},
};
use crate::store::Footprint;

pub fn of(request: &RequestContext) -> Footprint {
    let ip = request.client_ip();
    Footprint {
        device: Some(user_agent::describe(request.user_agent())).filter(|name| !name.is_empty()),
        country: ip
            .and_then(|ip| request.state.settings.geo.country(ip))
            .map(|country| country.to_string()),
        network: ip.map(client_ip::network),
    }
}
