//! What one fetch asks for beyond the fetcher's own settings: extra request headers, such as the
//! validators of a conditional GET, a content-negotiated `Accept` or a `Range`.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;

/// Per-fetch additions to the request. Its headers are sent on every hop of the redirect chain
/// and take the place of a default or per-host header of the same name (content negotiation, as
/// for DOIs, must survive the resolver's redirect).
///
/// ```
/// use citecheck::fetch::FetchRequest;
/// let request = FetchRequest::new().header("If-None-Match", "\"abc\"")?;
/// assert_eq!(request.headers().len(), 1);
/// # Ok::<(), citecheck::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    headers: Vec<(HeaderName, HeaderValue)>,
    other_bytes: Option<u64>,
}

impl FetchRequest {
    /// A request with nothing added: the same as [`Fetcher::fetch`](super::Fetcher::fetch).
    pub fn new() -> FetchRequest {
        FetchRequest::default()
    }

    /// Adds a header, replacing an earlier one of the same name. Fails with
    /// [`Error::Config`] for a name or value HTTP does not allow.
    pub fn header(mut self, name: &str, value: &str) -> Result<FetchRequest, Error> {
        let bad = |what: String| Error::Config { setting: format!("request header {name}"), message: what };
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| bad(format!("{name:?} is not a valid header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| bad(format!("{value:?} is not a valid header value")))?;
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        Ok(self)
    }

    /// Reads up to this many bytes of an answer that is not HTML, instead of
    /// [`FetchOptions::max_other_bytes`](super::FetchOptions::max_other_bytes), still never more
    /// than [`FetchOptions::max_body_bytes`](super::FetchOptions::max_body_bytes): for answers
    /// read whole, such as a DOI's registered metadata (JSON cut short cannot be parsed).
    pub fn max_other_bytes(mut self, bytes: u64) -> FetchRequest {
        self.other_bytes = Some(bytes);
        self
    }

    /// The limit set by [`max_other_bytes`](Self::max_other_bytes), if any.
    pub(crate) fn other_bytes(&self) -> Option<u64> {
        self.other_bytes
    }

    /// The headers added, in the order given.
    pub fn headers(&self) -> &[(HeaderName, HeaderValue)] {
        &self.headers
    }

    /// `base` with this request's headers put over it.
    pub(crate) fn apply(&self, mut base: HeaderMap) -> HeaderMap {
        for (name, value) in &self.headers {
            base.insert(name.clone(), value.clone());
        }
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_replace_by_name_and_bad_ones_are_config_errors() {
        let r =
            FetchRequest::new().header("Accept", "text/html").unwrap().header("accept", "application/json").unwrap();
        assert_eq!(r.headers().len(), 1);
        let mut base = HeaderMap::new();
        base.insert("accept", HeaderValue::from_static("*/*"));
        base.insert("x-host", HeaderValue::from_static("1"));
        let merged = r.apply(base);
        assert_eq!(merged.get("accept").unwrap(), "application/json");
        assert_eq!(merged.get("x-host").unwrap(), "1");
        assert!(FetchRequest::new().header("bad name", "x").is_err());
        assert!(FetchRequest::new().header("x", "line\nbreak").is_err());
    }
}
