//! Test harness for the workspace tests: a local DynamoDB (moto, started once per test binary
//! unless `AWS_ENDPOINT_URL_DYNAMODB` names one), a fresh table per test, directory seeding, and
//! an HTTP client for the local API server.

pub mod faults;
pub mod http;

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::config::Credentials;
use base64::Engine;
use talk::App;
use talk::domain::{GroupId, User, UserId};
use talk::store::Store;

pub use talkctl::local::{dynamodb_endpoint, workspace_root};

/// A fresh table on the local DynamoDB and an [`App`] over it.
pub struct TestEnv {
    pub app: App,
    /// The table reached directly, bypassing any proxy (for checks after a faulty run).
    pub direct: Store,
    /// A plain SDK client of the table's DynamoDB, for damaging the table on purpose.
    pub raw: aws_sdk_dynamodb::Client,
}

impl TestEnv {
    /// Creates a uniquely named table and an app using it.
    pub async fn new() -> Self {
        Self::through(None).await
    }

    /// Like [`TestEnv::new`], with the app reaching the table through `endpoint` (for example a
    /// fault-injecting proxy); the table itself is created directly.
    pub async fn through(endpoint: Option<&str>) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let table = format!(
            "test-{}-{nanos}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let config = aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(dynamodb_endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
            // moto ignores transactions' idempotency tokens, so a retry after a timed-out
            // attempt that moto still applied would be refused; its serialised requests can be
            // slow under concurrent tests, so attempts get ample time here.
            .timeout_config(
                aws_config::timeout::TimeoutConfig::builder()
                    .connect_timeout(std::time::Duration::from_secs(2))
                    .operation_attempt_timeout(std::time::Duration::from_secs(30))
                    .build(),
            )
            .load()
            .await;
        let raw = aws_sdk_dynamodb::Client::new(&config);
        let store = Store::from_sdk_config(&config, table.clone());
        store.create_table().await.expect("the test table is created");
        let direct = store.clone();
        let store = match endpoint {
            Some(endpoint) => {
                let config = config.into_builder().endpoint_url(endpoint).build();
                Store::from_sdk_config(&config, table)
            }
            None => store,
        };
        Self {
            app: App::new(store),
            direct,
            raw,
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.app.store
    }

    /// Panics with every broken invariant of the table, if any.
    pub async fn assert_invariants(&self) {
        let violations = self.direct.check_invariants().await.expect("the table scans");
        assert!(violations.is_empty(), "invariants broken: {violations:#?}");
    }

    /// Adds a user with an app password of the given secret.
    pub async fn add_user_with_secret(&self, uid: &str, display_name: &str, secret: &str) -> User {
        let user = User {
            id: UserId::parse(uid).expect("valid test uid"),
            display_name: display_name.to_string(),
        };
        self.store().add_user(&user).await.expect("user added");
        self.store()
            .add_app_password(&user.id, "test", secret, 0)
            .await
            .expect("app password added");
        user
    }

    /// Adds a user with a fresh app password; returns the secret.
    pub async fn add_user(&self, uid: &str, display_name: &str) -> String {
        let secret = talk::domain::secrets::new_app_password();
        self.add_user_with_secret(uid, display_name, &secret).await;
        secret
    }

    /// Adds a group with these members.
    pub async fn add_group(&self, gid: &str, members: &[&str]) {
        let group = GroupId::parse(gid).expect("valid test gid");
        self.store().add_group(&group).await.expect("group added");
        for member in members {
            self.store()
                .add_group_member(&group, &UserId::parse(*member).unwrap())
                .await
                .expect("member added");
        }
    }
}

/// A fresh table with these users (id, display name), each with a fresh app password, and
/// the local API server over it. Returns the table, a client and each user's secret.
pub async fn serve_with_users(users: &[(&'static str, &str)]) -> (TestEnv, http::Client, Vec<(&'static str, String)>) {
    let env = TestEnv::new().await;
    let mut secrets = Vec::new();
    for (uid, name) in users {
        secrets.push((*uid, env.add_user(uid, name).await));
    }
    let client = http::Client::serve(&env).await;
    (env, client, secrets)
}

/// An `Authorization` header value for Basic credentials.
pub fn basic(user: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

/// The fixed world the event fixtures in `events/` are written against
/// ([`talkctl::fixtures::seed`]).
pub async fn seed_fixture_world(env: &TestEnv) {
    talkctl::fixtures::seed(env.store())
        .await
        .expect("the fixture world is stored");
}

/// Feeds the event fixture `events/<function>/<case>.json` through `lambda_http`'s event parsing
/// into that function's `handle`, on a fresh table seeded with [`seed_fixture_world`] whose call
/// counter is reset after seeding. Returns the table and the response.
pub async fn run_fixture(file: &str) -> (TestEnv, lambda_http::Response<lambda_http::Body>) {
    let env = TestEnv::new().await;
    seed_fixture_world(&env).await;
    env.store().calls().reset();
    let text = std::fs::read_to_string(workspace_root().join("events").join(file)).expect("fixture readable");
    let request =
        lambda_http::request::from_str(&text).unwrap_or_else(|e| panic!("{file}: lambda_http rejects it: {e}"));
    let function = file.split('/').next().expect("fixtures sit in a function folder");
    let function = talkctl::functions::function(function).unwrap_or_else(|| panic!("{file}: no function {function}"));
    let response = function.handle(&env.app, request).await;
    (env, response)
}

/// Every fixture file, as `<function>/<case>.json`.
pub fn fixture_files() -> std::collections::BTreeSet<String> {
    let events = workspace_root().join("events");
    let mut files = std::collections::BTreeSet::new();
    for function in std::fs::read_dir(&events).expect("events/ exists") {
        for file in std::fs::read_dir(function.expect("readable entry").path()).expect("function folder") {
            let path = file.expect("readable entry").path();
            files.insert(
                path.strip_prefix(&events)
                    .expect("below events/")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    files
}
