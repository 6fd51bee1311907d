//! `POST /api/credentials/Login` and `POST /api/credentials/RefreshToken` (spec §9, §2).

use crate::auth::{tenant_from_headers, verify_password};
use crate::body::{required, JsonBody};
use crate::envelope::{ok, ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use hawiya_core::codes;
use hawiya_store::{now_millis, random_token, sha256_hex, AdminUser};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Body of the admin login.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    /// Tenant name; the `TenancyName` header takes precedence.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub tenancy_name: Option<String>,
    /// Admin user name. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 256>")]
    #[schema(max_length = 256)]
    pub user_name_or_email_address: Option<String>,
    /// Password. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 128>")]
    #[schema(max_length = 128)]
    pub password: Option<String>,
}

/// Tokens returned by login and refresh.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenData {
    /// JWT (HS256) for `Authorization: Bearer`.
    pub access_token: String,
    /// Not used by Hawiya; always null.
    pub encrypted_access_token: Option<String>,
    /// Access-token lifetime (86400).
    pub expire_in_seconds: i64,
    /// Refresh token (single use).
    pub refresh_token: String,
    /// Same as `refreshToken` (the refresh response's name for it).
    pub new_refresh_token: Option<String>,
    /// Refresh-token lifetime (604800).
    pub refresh_token_expire_in_seconds: i64,
}

/// Body of the token refresh.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    /// The refresh token from login or the previous refresh. Required.
    #[serde(default, deserialize_with = "crate::body::text::<_, 1024>")]
    #[schema(max_length = 1024)]
    pub refresh_token: Option<String>,
}

/// Admin login: tenancy + user name + password → access and refresh tokens.
pub async fn login(
    State(state): State<AppState>,
    address: Result<
        axum::extract::ConnectInfo<std::net::SocketAddr>,
        axum::extract::rejection::ExtensionRejection,
    >,
    headers: HeaderMap,
    JsonBody(body): JsonBody<LoginRequest>,
) -> ApiResult<Response> {
    let header_tenancy = headers
        .get("TenancyName")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let tenancy = required(header_tenancy.or(body.tenancy_name), "TenancyName")?;
    let user_name = required(body.user_name_or_email_address, "userNameOrEmailAddress")?;
    let password = required(body.password, "password")?;
    // The documented limits (256 / 256 / 32 in Vlens; passwords up to 128 here): the body's
    // fields are bounded as they are parsed, the header here, so nothing unbounded reaches
    // a lookup or the audit log.
    if tenancy.chars().count() > 256 {
        return Err(
            ApiError::new(codes::INVALID_FIELD).field("TenancyName", "longer than 256 characters")
        );
    }
    // Too many failures for this user or from this address: refused before the password
    // is checked.
    let attempt =
        crate::login_limit::Attempt::new(&tenancy, &user_name, address.ok().map(|a| a.0.ip()));
    let now = std::time::Instant::now();
    if let Err(wait) = state.login_limits.check(&attempt, now) {
        return Err(ApiError::new(codes::LOGIN_THROTTLED).retry_after(wait));
    }
    // An ApiKey is optional here; when sent it must be valid and of the same tenancy.
    let key_tenant = tenant_from_headers(&headers, &state).await?;

    let tenant = state.store.tenant_by_name(tenancy.trim()).await?;
    let user = match &tenant {
        Some(t) => state.store.admin_user(&t.id, user_name.trim()).await?,
        None => None,
    };
    let verified = verify_password(password, user.as_ref().map(|u| u.password_hash.clone())).await;
    let key_matches = match (&key_tenant, &tenant) {
        (Some(k), Some(t)) => k.id == t.id,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let (Some(tenant), Some(user), true, true) = (tenant, user, verified, key_matches) else {
        state.login_limits.failed(&attempt, now);
        if let Some(t) = state.store.tenant_by_name(tenancy.trim()).await? {
            state
                .store
                .audit(
                    Some(&t.id),
                    &format!("admin:{}", user_name.trim()),
                    "login.failed",
                    None,
                    &serde_json::json!({}),
                )
                .await?;
        }
        return Err(ApiError::new(codes::LOGIN_FAILED));
    };
    state.login_limits.succeeded(&attempt);
    let data = issue_tokens(&state, &user, None).await?;
    state
        .store
        .audit(
            Some(&tenant.id),
            &format!("admin:{}", user.user_name),
            "login",
            Some(&user.id),
            &serde_json::json!({}),
        )
        .await?;
    Ok(ok(data, None))
}

/// Rotates a refresh token: the old one is spent, a new pair is returned.
pub async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RefreshRequest>,
) -> ApiResult<Response> {
    let old = required(body.refresh_token, "refreshToken")?;
    let key_tenant = tenant_from_headers(&headers, &state).await?;
    let new = random_token(32);
    let expires = now_millis() + state.config.refresh_token_ttl_secs * 1000;
    // With an ApiKey, only that tenant's tokens are looked at: another tenant's token is simply
    // not found, and is left unspent.
    let user = state
        .store
        .rotate_refresh_token(
            &sha256_hex(old.trim()),
            &sha256_hex(&new),
            expires,
            key_tenant.as_ref().map(|t| t.id.as_str()),
        )
        .await?
        .ok_or_else(|| ApiError::new(codes::REFRESH_TOKEN_INVALID))?;
    let data = issue_tokens(&state, &user, Some(new)).await?;
    Ok(ok(data, None))
}

/// Issues an access token and, unless given, a new stored refresh token.
async fn issue_tokens(
    state: &AppState,
    user: &AdminUser,
    refresh: Option<String>,
) -> ApiResult<TokenData> {
    let ttl = state.config.access_token_ttl_secs;
    let access_token = state.tokens.issue(user, ttl).map_err(ApiError::internal)?;
    let rotated = refresh.is_some();
    let refresh_token = match refresh {
        Some(token) => token,
        None => {
            let token = random_token(32);
            let expires = now_millis() + state.config.refresh_token_ttl_secs * 1000;
            state
                .store
                .insert_refresh_token(user, &sha256_hex(&token), expires)
                .await?;
            token
        }
    };
    Ok(TokenData {
        access_token,
        encrypted_access_token: None,
        expire_in_seconds: ttl,
        new_refresh_token: rotated.then(|| refresh_token.clone()),
        refresh_token,
        refresh_token_expire_in_seconds: state.config.refresh_token_ttl_secs,
    })
}
