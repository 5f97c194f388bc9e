//! Users, groups and app passwords: the directory the admin tool writes and requests read
//! (authentication, invitations).

use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};

use super::items::{from_item, key, string_attr, to_item, with_gsi1};
use super::keys::{
    APP_PASSWORD_PREFIX, GROUP_PREFIX, GROUP_SK, MEMBER_PREFIX, SK, USER_SK, app_password_sk, group_pk, member_sk,
    user_pk,
};
use super::{Store, StoreError};
use crate::model::secrets::{hashes_match, secret_hash};
use crate::model::{GroupId, User, UserId};

/// Why an admin operation on the directory was refused.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("user {0} already exists")]
    UserExists(UserId),
    #[error("unknown user {0}")]
    UnknownUser(UserId),
    #[error("group {0} already exists")]
    GroupExists(GroupId),
    #[error("unknown group {0}")]
    UnknownGroup(GroupId),
    #[error("user {0} has no app password labelled {1:?}")]
    UnknownAppPassword(UserId, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stored form of an app password: only the hash of the secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AppPasswordItem {
    user_id: UserId,
    label: String,
    secret_hash: String,
    created: i64,
}

/// An app password as listed to its owner: never the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPasswordInfo {
    pub label: String,
    pub created: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct GroupItem {
    id: GroupId,
}

impl Store {
    /// Checks Basic credentials: the user exists and the secret is one of their app passwords.
    /// Both items are read by one `BatchGetItem`: one call, one round trip.
    pub async fn authenticate(&self, user: &UserId, secret: &str) -> Result<Option<User>, StoreError> {
        let hash = secret_hash(secret);
        let password_sk = app_password_sk(&hash);
        let items = self
            .batch_get(vec![
                key(user_pk(user), password_sk.as_str()),
                key(user_pk(user), USER_SK),
            ])
            .await?;
        let (mut password, mut account) = (None, None);
        for item in items {
            match string_attr(&item, SK) {
                Some(USER_SK) => account = Some(item),
                Some(sk) if sk == password_sk => password = Some(item),
                _ => {}
            }
        }
        let matches = password
            .as_ref()
            .and_then(|item| string_attr(item, "secretHash"))
            .is_some_and(|stored| hashes_match(stored, &hash));
        Ok(if matches {
            account.map(from_item).transpose()?
        } else {
            None
        })
    }

    /// A user account, if it exists.
    pub async fn get_user(&self, user: &UserId) -> Result<Option<User>, StoreError> {
        self.get(user_pk(user), USER_SK).await?.map(from_item).transpose()
    }

    /// Creates a user account.
    pub async fn add_user(&self, user: &User) -> Result<(), DirectoryError> {
        if self.put_new(to_item(user, user_pk(&user.id), USER_SK)?).await? {
            Ok(())
        } else {
            Err(DirectoryError::UserExists(user.id.clone()))
        }
    }

    /// Removes a user account with its app passwords and group memberships; the account's
    /// display name. The account item goes first, so from then on no app password or
    /// membership can be added for it (both require the account), and those added before are
    /// found and removed after. Removing the user from their rooms is
    /// [`crate::domain::accounts::remove_user`]'s job.
    pub async fn remove_account(&self, user: &UserId) -> Result<User, DirectoryError> {
        let removed = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(user_pk(user), USER_SK)))
            .condition_expression("attribute_exists(pk)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        let account = match removed {
            Ok(output) => from_item::<User>(output.attributes.unwrap_or_default())?,
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                return Err(DirectoryError::UnknownUser(user.clone()));
            }
            Err(error) => return Err(StoreError::from(error).into()),
        };
        for item in self
            .query_partition(user_pk(user), APP_PASSWORD_PREFIX, Some("sk"))
            .await?
        {
            if let Some(sk) = string_attr(&item, "sk") {
                self.delete_key(user_pk(user), sk.to_string()).await?;
            }
        }
        for item in self.query_index(user_pk(user), GROUP_PREFIX).await? {
            if let Some(group) = string_attr(&item, "gsi1sk") {
                self.delete_key(group.to_string(), member_sk(user)).await?;
            }
        }
        Ok(account)
    }

    /// Creates a group.
    pub async fn add_group(&self, group: &GroupId) -> Result<(), DirectoryError> {
        if self
            .put_new(to_item(&GroupItem { id: group.clone() }, group_pk(group), GROUP_SK)?)
            .await?
        {
            Ok(())
        } else {
            Err(DirectoryError::GroupExists(group.clone()))
        }
    }

    /// Adds a user to a group (idempotent); the member row carries the user's display name so
    /// inviting a group needs no further reads.
    pub async fn add_group_member(&self, group: &GroupId, user: &UserId) -> Result<(), DirectoryError> {
        let account = self
            .get_user(user)
            .await?
            .ok_or_else(|| DirectoryError::UnknownUser(user.clone()))?;
        let member = with_gsi1(
            to_item(&account, group_pk(group), member_sk(user))?,
            user_pk(user),
            group_pk(group),
        );
        // The account must still exist when the membership lands (its removal may be running).
        let required = [key(group_pk(group), GROUP_SK), key(user_pk(user), USER_SK)];
        if self.put_if_all_exist(&required, member).await? {
            Ok(())
        } else {
            Err(DirectoryError::UnknownGroup(group.clone()))
        }
    }

    /// Removes a user from a group.
    pub async fn remove_group_member(&self, group: &GroupId, user: &UserId) -> Result<(), DirectoryError> {
        if self.get(group_pk(group), GROUP_SK).await?.is_none() {
            return Err(DirectoryError::UnknownGroup(group.clone()));
        }
        self.delete_key(group_pk(group), member_sk(user)).await?;
        Ok(())
    }

    /// The members of a group with their display names, or `None` if the group does not exist.
    /// One Query.
    pub async fn group_members(&self, group: &GroupId) -> Result<Option<Vec<User>>, StoreError> {
        let mut exists = false;
        let mut members = Vec::new();
        for item in self.query_partition(group_pk(group), "", None).await? {
            match string_attr(&item, "sk") {
                Some(GROUP_SK) => exists = true,
                Some(sk) if sk.starts_with(MEMBER_PREFIX) => members.push(from_item(item)?),
                _ => {}
            }
        }
        Ok(exists.then_some(members))
    }

    /// Stores a new app password for an existing user; the secret itself is not stored.
    pub async fn add_app_password(
        &self,
        user: &UserId,
        label: &str,
        secret: &str,
        now: i64,
    ) -> Result<(), DirectoryError> {
        let hash = secret_hash(secret);
        let record = AppPasswordItem {
            user_id: user.clone(),
            label: label.to_string(),
            secret_hash: hash.clone(),
            created: now,
        };
        let item = to_item(&record, user_pk(user), app_password_sk(&hash))?;
        if self.put_if_exists(key(user_pk(user), USER_SK), item).await? {
            Ok(())
        } else {
            Err(DirectoryError::UnknownUser(user.clone()))
        }
    }

    /// A user's app passwords, oldest first.
    pub async fn app_passwords(&self, user: &UserId) -> Result<Vec<AppPasswordInfo>, DirectoryError> {
        if self.get_user(user).await?.is_none() {
            return Err(DirectoryError::UnknownUser(user.clone()));
        }
        let mut list: Vec<AppPasswordInfo> = self
            .query_partition(user_pk(user), APP_PASSWORD_PREFIX, None)
            .await?
            .into_iter()
            .map(|item| {
                from_item::<AppPasswordItem>(item).map(|p| AppPasswordInfo {
                    label: p.label,
                    created: p.created,
                })
            })
            .collect::<Result<_, _>>()?;
        list.sort_by_key(|info| info.created);
        Ok(list)
    }

    /// Revokes every app password of the user with this label.
    pub async fn revoke_app_password(&self, user: &UserId, label: &str) -> Result<(), DirectoryError> {
        let mut revoked = false;
        for item in self.query_partition(user_pk(user), APP_PASSWORD_PREFIX, None).await? {
            if string_attr(&item, "label") == Some(label)
                && let Some(sk) = string_attr(&item, "sk")
            {
                self.delete_key(user_pk(user), sk.to_string()).await?;
                revoked = true;
            }
        }
        if revoked {
            Ok(())
        } else {
            Err(DirectoryError::UnknownAppPassword(user.clone(), label.to_string()))
        }
    }
}
