//! The admin commands: table, users, groups and app passwords, over the store.

use talk::domain::accounts::{self, RemoveUserError};
use talk::domain::now;
use talk::domain::secrets::new_app_password;
use talk::domain::{GroupId, User, UserId};
use talk::store::{AppPasswordInfo, DirectoryError, Store};

/// Why an admin command failed; shown to the operator as is.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0:?} is not a valid id (1-64 characters from A-Z a-z 0-9 space _ . @ -)")]
    InvalidId(String),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    RemoveUser(#[from] RemoveUserError),
}

impl From<talk::store::StoreError> for AdminError {
    fn from(error: talk::store::StoreError) -> Self {
        Self::Directory(error.into())
    }
}

fn user_id(raw: &str) -> Result<UserId, AdminError> {
    UserId::parse(raw).map_err(|_| AdminError::InvalidId(raw.to_string()))
}

fn group_id(raw: &str) -> Result<GroupId, AdminError> {
    GroupId::parse(raw).map_err(|_| AdminError::InvalidId(raw.to_string()))
}

/// Creates the table if needed; `true` when created now.
pub async fn create_table(store: &Store) -> Result<bool, AdminError> {
    Ok(store.create_table().await?)
}

/// Adds a user; the display name defaults to the id.
pub async fn add_user(store: &Store, uid: &str, display_name: Option<&str>) -> Result<User, AdminError> {
    let id = user_id(uid)?;
    let user = User {
        display_name: display_name.unwrap_or(uid).to_string(),
        id,
    };
    store.add_user(&user).await?;
    Ok(user)
}

/// Removes a user with their app passwords and group memberships, and from every room.
pub async fn remove_user(store: &Store, uid: &str) -> Result<(), AdminError> {
    Ok(accounts::remove_user(store, &user_id(uid)?).await?)
}

/// Creates a group.
pub async fn add_group(store: &Store, gid: &str) -> Result<(), AdminError> {
    Ok(store.add_group(&group_id(gid)?).await?)
}

/// Adds a user to a group.
pub async fn add_member(store: &Store, gid: &str, uid: &str) -> Result<(), AdminError> {
    Ok(store.add_group_member(&group_id(gid)?, &user_id(uid)?).await?)
}

/// Removes a user from a group.
pub async fn remove_member(store: &Store, gid: &str, uid: &str) -> Result<(), AdminError> {
    Ok(store.remove_group_member(&group_id(gid)?, &user_id(uid)?).await?)
}

/// Issues a new app password and returns its secret (shown once, stored only as a hash).
pub async fn create_app_password(store: &Store, uid: &str, label: Option<&str>) -> Result<String, AdminError> {
    let secret = new_app_password();
    let created = now();
    let label = label.map_or_else(|| format!("created-{created}"), str::to_string);
    store.add_app_password(&user_id(uid)?, &label, &secret, created).await?;
    Ok(secret)
}

/// Lists a user's app passwords (labels and creation times, never secrets).
pub async fn list_app_passwords(store: &Store, uid: &str) -> Result<Vec<AppPasswordInfo>, AdminError> {
    Ok(store.app_passwords(&user_id(uid)?).await?)
}

/// Revokes a user's app passwords with this label.
pub async fn revoke_app_password(store: &Store, uid: &str, label: &str) -> Result<(), AdminError> {
    Ok(store.revoke_app_password(&user_id(uid)?, label).await?)
}
