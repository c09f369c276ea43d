//! The scopes an app may ask for: `openid` (required), `phone` (the number and
//! whether it is verified) and `offline_access` (a refresh token). Others are
//! ignored, as OpenID Connect Core §3.1.2.1 asks.

/// The scopes granted to an app: `openid` always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scopes {
    pub phone: bool,
    pub offline_access: bool,
}

impl Scopes {
    /// The scopes of a space-separated `scope` parameter; `None` without `openid`.
    pub fn parse(scope: &str) -> Option<Self> {
        let words: Vec<&str> = scope.split(' ').filter(|w| !w.is_empty()).collect();
        words.contains(&"openid").then(|| Self {
            phone: words.contains(&"phone"),
            offline_access: words.contains(&"offline_access"),
        })
    }

    /// `openid phone offline_access`, as stored and answered.
    pub fn as_str(&self) -> &'static str {
        match (self.phone, self.offline_access) {
            (false, false) => "openid",
            (true, false) => "openid phone",
            (false, true) => "openid offline_access",
            (true, true) => "openid phone offline_access",
        }
    }

    /// Whether a consent to `self` covers `asked`.
    pub fn covers(&self, asked: Scopes) -> bool {
        (self.phone || !asked.phone) && (self.offline_access || !asked.offline_access)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openid_is_required_and_unknown_scopes_are_ignored() {
        assert_eq!(Scopes::parse("profile email"), None);
        assert_eq!(Scopes::parse(""), None);
        assert_eq!(Scopes::parse("openidx"), None);
        let all = Scopes::parse("email  openid offline_access phone").unwrap();
        assert_eq!(all.as_str(), "openid phone offline_access");
        assert_eq!(Scopes::parse(all.as_str()), Some(all));
        assert_eq!(Scopes::parse("openid").unwrap().as_str(), "openid");
        assert_eq!(
            Scopes::parse("phone openid").unwrap().as_str(),
            "openid phone"
        );
        assert_eq!(
            Scopes::parse("openid offline_access").unwrap().as_str(),
            "openid offline_access"
        );
    }

    #[test]
    fn a_consent_covers_what_it_named_and_less() {
        let phone = Scopes::parse("openid phone").unwrap();
        let openid = Scopes::parse("openid").unwrap();
        let all = Scopes::parse("openid phone offline_access").unwrap();
        assert!(phone.covers(openid) && phone.covers(phone));
        assert!(!phone.covers(all) && !openid.covers(phone));
        assert!(all.covers(phone) && all.covers(all));
    }
}
