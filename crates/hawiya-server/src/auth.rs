//! Authentication: API keys (tenant), admin passwords (argon2) and JWT access tokens.
//!
//! - `ApiKey` header → [`TenantAuth`]: a SHA-256 of the presented key is looked up; keys are
//!   256-bit random strings, so a fast hash is safe and keeps every request cheap.
//! - Admin passwords are argon2id PHC strings, verified on the blocking pool.
//! - `Authorization: Bearer <jwt>` → [`AdminAuth`]: HS256 with a key derived from the master key.

use crate::envelope::{ApiError, ApiResult};
use crate::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use hawiya_core::codes;
use hawiya_store::{random_token, sha256_hex, Store, Tenant};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Prefix of every API key, so leaked keys are recognisable by secret scanners.
const API_KEY_PREFIX: &str = "hwk_";

/// Name of the admin user every new tenant gets.
pub const DEFAULT_ADMIN_USER: &str = "admin";

/// The credentials of a freshly created tenant, shown once.
#[derive(Debug, Clone)]
pub struct NewTenantCredentials {
    /// The tenant.
    pub tenant: Tenant,
    /// The API key in clear (stored only as a hash).
    pub api_key: String,
    /// Admin user name.
    pub admin_user: String,
    /// Admin password in clear (stored only as an argon2 hash).
    pub admin_password: String,
}

/// Creates a tenant with a new API key and an admin user with a random password.
pub async fn create_tenant(store: &Store, name: &str) -> anyhow::Result<NewTenantCredentials> {
    let name = name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.len() <= 256,
        "tenant name must be 1-256 characters"
    );
    let api_key = format!("{API_KEY_PREFIX}{}", random_token(32));
    let admin_password = random_token(18);
    let password_hash = hash_password(&admin_password)?;
    let tenant = store
        .create_tenant(
            name,
            &sha256_hex(&api_key),
            &api_key[..API_KEY_PREFIX.len() + 6],
            DEFAULT_ADMIN_USER,
            &password_hash,
        )
        .await
        .map_err(|e| match e {
            hawiya_store::StoreError::Conflict(_) => {
                anyhow::anyhow!("a tenant named {name:?} already exists")
            }
            other => other.into(),
        })?;
    Ok(NewTenantCredentials {
        tenant,
        api_key,
        admin_user: DEFAULT_ADMIN_USER.to_string(),
        admin_password,
    })
}

/// Hashes a password into an argon2id PHC string.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

/// A PHC string for a password nobody knows: verified against when the user does not exist,
/// so that a wrong user name costs as much time as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_token(16)).unwrap_or_default())
}

/// Checks `password` against `phc` (or against a decoy when `phc` is `None`) on the blocking pool.
pub async fn verify_password(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| decoy_hash().to_string());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
            && known
    })
    .await
    .unwrap_or(false)
}

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Admin user id.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Admin user name.
    pub name: String,
    /// Role (`admin`).
    pub role: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expiry (Unix seconds).
    pub exp: i64,
    /// Token id.
    pub jti: String,
}

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    /// Keys from a 32-byte secret.
    pub fn new(secret: &[u8; 32]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Issues an access token for `user` valid for `ttl_secs`.
    pub fn issue(&self, user: &hawiya_store::AdminUser, ttl_secs: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user.id.clone(),
            tid: user.tenant_id.clone(),
            name: user.user_name.clone(),
            role: "admin".into(),
            iat: now,
            exp: now + ttl_secs,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        Ok(jsonwebtoken::encode(
            &Header::default(),
            &claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature and expiry (no leeway).
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// The tenant identified by the request's `ApiKey` header.
#[derive(Debug, Clone)]
pub struct TenantAuth(pub Tenant);

/// Reads and checks the `ApiKey` header.
pub async fn tenant_from_headers(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> ApiResult<Option<Tenant>> {
    let Some(value) = headers.get("ApiKey") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("").trim();
    if key.is_empty() {
        return Err(ApiError::new(codes::API_KEY_MISSING));
    }
    match state.store.tenant_by_api_key_hash(&sha256_hex(key)).await? {
        Some(t) => Ok(Some(t)),
        None => Err(ApiError::new(codes::API_KEY_INVALID)),
    }
}

/// The tenant whose `ApiKey` was checked before the body was read ([`crate::ops::observe`]).
#[derive(Debug, Clone)]
pub struct HeaderTenant(pub Tenant);

impl FromRequestParts<AppState> for TenantAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let tenant = match parts.extensions.get::<HeaderTenant>() {
            Some(HeaderTenant(tenant)) => tenant.clone(),
            None => tenant_from_headers(&parts.headers, state)
                .await?
                .ok_or_else(|| ApiError::new(codes::API_KEY_MISSING))?,
        };
        // An optional bearer token must be valid and belong to the same tenant.
        if let Some(claims) = bearer_claims(parts, state)? {
            if claims.tid != tenant.id {
                return Err(ApiError::new(codes::TOKEN_TENANT_MISMATCH));
            }
        }
        Ok(TenantAuth(tenant))
    }
}

/// An administrator authenticated by `ApiKey` and a bearer access token of the same tenant.
#[derive(Debug, Clone)]
pub struct AdminAuth {
    /// The tenant.
    pub tenant: Tenant,
    /// The token's claims.
    pub claims: Claims,
}

/// The claims of the request's bearer token; `None` without an `Authorization` header.
fn bearer_claims(parts: &Parts, state: &AppState) -> ApiResult<Option<Claims>> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("");
    let token = text
        .strip_prefix("Bearer ")
        .or_else(|| text.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::new(codes::ACCESS_TOKEN_INVALID))?;
    state
        .tokens
        .verify(token)
        .map(Some)
        .ok_or_else(|| ApiError::new(codes::ACCESS_TOKEN_INVALID))
}

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let TenantAuth(tenant) = TenantAuth::from_request_parts(parts, state).await?;
        let claims = bearer_claims(parts, state)?
            .ok_or_else(|| ApiError::new(codes::ACCESS_TOKEN_INVALID))?;
        Ok(AdminAuth { tenant, claims })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_tampering() {
        let keys = TokenKeys::new(&[3u8; 32]);
        let user = hawiya_store::AdminUser {
            id: "u".into(),
            tenant_id: "t".into(),
            user_name: "admin".into(),
            password_hash: String::new(),
        };
        let token = keys.issue(&user, 60).unwrap();
        assert_eq!(keys.verify(&token).unwrap().tid, "t");
        assert!(TokenKeys::new(&[4u8; 32]).verify(&token).is_none());
        let expired = keys.issue(&user, -10).unwrap();
        assert!(keys.verify(&expired).is_none());
        let mut forged = token.clone();
        forged.pop();
        assert!(keys.verify(&forged).is_none());
    }

    #[tokio::test]
    async fn passwords_verify() {
        let phc = hash_password("s3cret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("s3cret".into(), Some(phc.clone())).await);
        assert!(!verify_password("wrong".into(), Some(phc)).await);
        assert!(!verify_password("anything".into(), None).await);
    }
}
