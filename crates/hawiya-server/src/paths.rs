//! Paths and query keys matched regardless of case, as the ASP.NET backend that Vlens
//! clients were written against matches them (older Vlens docs spell
//! `/api/Credentials/Login`): a request whose path is a documented route's but for the case
//! of its letters is routed as that route, and query keys reach the handlers lower-cased
//! (their query structs name them so).

use std::sync::OnceLock;

/// The documented routes' paths ([`crate::openapi::all_routes`]), split at `/`.
fn routes() -> &'static [Vec<&'static str>] {
    static ROUTES: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut paths: Vec<&'static str> = crate::openapi::all_routes()
            .iter()
            .map(|r| r.path)
            .collect();
        paths.sort_unstable();
        paths.dedup();
        paths.into_iter().map(|p| p.split('/').collect()).collect()
    })
}

/// Whether a route's segment is a parameter (`{id}`), which any non-empty segment fills.
fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// Whether `path`'s segments fit `route`'s, literal segments compared by `same`.
fn fits(route: &[&str], path: &[&str], same: impl Fn(&str, &str) -> bool) -> bool {
    route.len() == path.len()
        && route.iter().zip(path).all(|(r, p)| {
            if is_parameter(r) {
                !p.is_empty()
            } else {
                same(r, p)
            }
        })
}

/// `path` spelt as the route it names but for case spells it (parameters keep the
/// request's text); `None` when `path` is routed as it stands or names no route.
pub fn canonical(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    if routes().iter().any(|r| fits(r, &segments, |a, b| a == b)) {
        return None;
    }
    let route = routes()
        .iter()
        .find(|r| fits(r, &segments, |a, b| a.eq_ignore_ascii_case(b)))?;
    Some(
        route
            .iter()
            .zip(&segments)
            .map(|(r, p)| if is_parameter(r) { *p } else { *r })
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// `query` with every key lower-cased (ASCII; values untouched), or `None` when none has
/// an upper-case letter.
pub fn lower_keys(query: &str) -> Option<String> {
    let lowered = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => format!("{}={value}", key.to_ascii_lowercase()),
            None => pair.to_ascii_lowercase(),
        })
        .collect::<Vec<_>>()
        .join("&");
    (lowered != query).then_some(lowered)
}

/// The request with its path spelt as its route spells it ([`canonical`]) and its query
/// keys lower-cased ([`lower_keys`]).
pub async fn canonical_request(mut request: axum::extract::Request) -> axum::extract::Request {
    let uri = request.uri();
    let path = canonical(uri.path());
    let query = uri.query().and_then(lower_keys);
    if path.is_some() || query.is_some() {
        let path = path.unwrap_or_else(|| uri.path().to_string());
        let path_and_query = match query.as_deref().or(uri.query()) {
            Some(query) => format!("{path}?{query}"),
            None => path,
        };
        let mut parts = request.uri().clone().into_parts();
        if let Ok(pq) = path_and_query.parse() {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = axum::http::Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_differing_in_case_gets_its_routes_spelling() {
        assert_eq!(
            canonical("/api/Credentials/Login").as_deref(),
            Some("/api/credentials/Login")
        );
        assert_eq!(
            canonical("/V1/OCR/ID/FRONT").as_deref(),
            Some("/v1/ocr/id/front")
        );
        // Parameters keep the request's spelling.
        assert_eq!(
            canonical("/V1/App/Transactions/AbC-1/Steps").as_deref(),
            Some("/v1/app/transactions/AbC-1/steps")
        );
    }

    #[test]
    fn query_keys_are_lower_cased_and_values_kept() {
        assert_eq!(
            lower_keys("filterText=Ab&SkipCount=2&flag").as_deref(),
            Some("filtertext=Ab&skipcount=2&flag")
        );
        assert_eq!(lower_keys("id=ABC&limit=3"), None);
        assert_eq!(lower_keys(""), None);
    }

    #[test]
    fn routed_and_unknown_paths_are_left_alone() {
        assert_eq!(canonical("/api/credentials/Login"), None);
        assert_eq!(canonical("/v1/app/transactions/AbC-1"), None);
        assert_eq!(canonical("/v1/ocr/id/side"), None);
        assert_eq!(canonical("/v1/app/transactions//steps"), None);
        assert_eq!(canonical(""), None);
    }
}
