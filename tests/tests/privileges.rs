//! Least privilege: each function's policy in `template.yaml` allows exactly the DynamoDB
//! actions the function uses. What a function uses is recorded by the SDK interceptor while
//! every fixture of that function runs, plus the paths fixtures do not reach (changes too large
//! for one transaction, which finish with batch writes).

use std::collections::{BTreeMap, BTreeSet};

use hyper::Method;
use serde_norway::Value;
use talk::domain::{Participant, ParticipantType, RoomToken, User, UserId, now};
use talk_tests::http::{BASE, Client};
use talk_tests::{TestEnv, fixture_files, run_fixture, workspace_root};

/// Each function's policy statements in `template.yaml`, by binary name.
fn template_statements() -> BTreeMap<String, Vec<Value>> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).unwrap();
    let document: Value = serde_norway::from_str(&text).unwrap();
    let mut statements = BTreeMap::new();
    for (_, resource) in document["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap()
            .to_string();
        let of_function: Vec<Value> = resource["Properties"]
            .get("Policies")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .flat_map(|policy| policy["Statement"].as_sequence().cloned().unwrap_or_default())
            .collect();
        statements.insert(binary, of_function);
    }
    statements
}

/// The strings of a list in every statement, each trimmed by `trim`.
fn listed(statements: &[Value], list: fn(&Value) -> &Value, trim: fn(&str) -> &str) -> BTreeSet<String> {
    statements
        .iter()
        .flat_map(|statement| list(statement).as_sequence().cloned().unwrap_or_default())
        .map(|value| trim(value.as_str().unwrap()).to_string())
        .collect()
}

/// The DynamoDB actions each function's policy allows, by binary name.
fn template_policies() -> BTreeMap<String, BTreeSet<String>> {
    template_statements()
        .into_iter()
        .map(|(binary, statements)| {
            let actions = listed(&statements, |s| &s["Action"], |a| a.trim_start_matches("dynamodb:"));
            (binary, actions)
        })
        .collect()
}

/// The partition key prefixes each function's policy lets it write (`dynamodb:LeadingKeys`).
fn template_write_prefixes() -> BTreeMap<String, BTreeSet<String>> {
    template_statements()
        .into_iter()
        .map(|(binary, statements)| {
            let prefixes = listed(
                &statements,
                |s| &s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"],
                |k| k.trim_end_matches('*'),
            );
            (binary, prefixes)
        })
        .collect()
}

/// A room with `extra` rows of `kind` beyond what one transaction can remove.
async fn crowded_room(
    env: &TestEnv,
    room_type: &str,
    kind: ParticipantType,
    client: &Client,
    secret: &str,
) -> RoomToken {
    let answer = client
        .call(Method::POST, &format!("{BASE}/room"))
        .user("owner", secret)
        .json()
        .form(&[("roomType", room_type), ("roomName", "Crowd")])
        .send()
        .await;
    let token = RoomToken::parse(answer.data()["token"].as_str().unwrap()).unwrap();
    for i in 0..110 {
        let user = User {
            id: UserId::parse(format!("crowd{i}")).unwrap(),
            display_name: format!("Crowd {i}"),
        };
        env.store()
            .add_participant_if_absent(&token, &Participant::user(&user, kind))
            .await
            .unwrap();
    }
    token
}

/// What the calls of a function needed: the IAM actions and the partition key prefixes written.
type Needs = (BTreeSet<String>, BTreeSet<String>);

fn needs(env: &TestEnv) -> Needs {
    let stats = env.store().calls().snapshot();
    (stats.actions, stats.written_prefixes)
}

/// The actions a function needs on the paths fixtures do not reach.
async fn large_change_actions(function: &str) -> Needs {
    let env = TestEnv::new().await;
    let secret = env.add_user("owner", "Owner").await;
    let client = Client::serve(&env).await;
    let owner = |method: Method, path: String| client.call(method, &path).user("owner", &secret).json();
    match function {
        "rooms" => {
            let token = crowded_room(&env, "2", ParticipantType::User, &client, &secret).await;
            env.store().calls().reset();
            assert!(
                owner(Method::DELETE, format!("{BASE}/room/{token}"))
                    .send()
                    .await
                    .status
                    .is_success()
            );
        }
        "public" => {
            let token = crowded_room(&env, "3", ParticipantType::UserSelfJoined, &client, &secret).await;
            env.store().calls().reset();
            assert!(
                owner(Method::DELETE, format!("{BASE}/room/{token}/public"))
                    .send()
                    .await
                    .status
                    .is_success()
            );
        }
        "participants" => {
            let token = crowded_room(&env, "3", ParticipantType::UserSelfJoined, &client, &secret).await;
            env.store().calls().reset();
            assert!(
                owner(Method::DELETE, format!("{BASE}/room/{token}/participants/self"))
                    .send()
                    .await
                    .status
                    .is_success()
            );
        }
        _ => env.store().calls().reset(),
    }
    let (mut actions, mut prefixes) = needs(&env);
    let (stale_actions, stale_prefixes) = stale_row_actions(function).await;
    actions.extend(stale_actions);
    prefixes.extend(stale_prefixes);
    if function == "participants" {
        let (guess_actions, guess_prefixes) = wrong_password_needs().await;
        actions.extend(guess_actions);
        prefixes.extend(guess_prefixes);
    }
    (actions, prefixes)
}

/// What a join with a wrong room password needs (it counts the failure).
async fn wrong_password_needs() -> Needs {
    let env = TestEnv::new().await;
    let secret = env.add_user("owner", "Owner").await;
    let client = Client::serve(&env).await;
    let token = client
        .create_room("owner", &secret, &[("roomType", "3"), ("roomName", "Locked")])
        .await;
    let path = format!("{BASE}/room/{token}");
    let set = client
        .call(Method::PUT, &format!("{path}/password"))
        .user("owner", &secret)
        .json()
        .form(&[("password", "right")])
        .send()
        .await;
    assert!(set.status.is_success());
    env.store().calls().reset();
    let guess = client
        .call(Method::POST, &format!("{path}/participants/active"))
        .ocs()
        .json()
        .form(&[("password", "wrong")])
        .send()
        .await;
    assert_eq!(guess.status, hyper::StatusCode::FORBIDDEN);
    needs(&env)
}

/// The actions a function needs to remove the stale rows of a room it is called on (an ended
/// guest session), which every request on a room does.
async fn stale_row_actions(function: &str) -> Needs {
    let env = TestEnv::new().await;
    let secret = env.add_user("owner", "Owner").await;
    let client = Client::serve(&env).await;
    let owner = |method: Method, path: String| client.call(method, &path).user("owner", &secret).json();
    let created = client
        .create_room("owner", &secret, &[("roomType", "3"), ("roomName", "Stale")])
        .await;
    let token = RoomToken::parse(&created).unwrap();
    let ended = Participant::guest("ended-guest".into(), "ended-session".into(), now() - 1_000);
    env.store().add_participant_if_absent(&token, &ended).await.unwrap();
    env.store().calls().reset();
    let path = format!("{BASE}/room/{token}");
    let answer = match function {
        "rooms" => owner(Method::GET, path).send().await,
        "public" => owner(Method::POST, format!("{path}/public")).send().await,
        "password" => {
            owner(Method::PUT, format!("{path}/password"))
                .form(&[("password", "pw")])
                .send()
                .await
        }
        "participants" => owner(Method::GET, format!("{path}/participants")).send().await,
        "chat" => {
            owner(Method::GET, format!("{BASE}/chat/{token}?lookIntoFuture=0"))
                .send()
                .await
        }
        _ => return Needs::default(),
    };
    assert!(answer.status.is_success(), "{function}: {}", answer.body);
    let actions = needs(&env);
    let keys = env.store().scan_keys().await.unwrap();
    assert!(
        keys.iter().all(|(_, sk)| !sk.contains("GUEST")),
        "{function} removed the stale row"
    );
    actions
}

#[tokio::test]
async fn every_function_is_allowed_exactly_the_dynamodb_actions_it_uses() {
    let mut used: BTreeMap<String, Needs> = BTreeMap::new();
    for file in fixture_files() {
        let (env, _) = run_fixture(&file).await;
        let function = file.split('/').next().unwrap().to_string();
        let (actions, prefixes) = needs(&env);
        let entry = used.entry(function).or_default();
        entry.0.extend(actions);
        entry.1.extend(prefixes);
    }
    let policies = template_policies();
    let write_prefixes = template_write_prefixes();
    for (function, allowed) in &policies {
        let (mut needed, mut written) = used.get(function).cloned().unwrap_or_default();
        let (large_actions, large_prefixes) = large_change_actions(function).await;
        needed.extend(large_actions);
        written.extend(large_prefixes);
        println!("{function}: uses {needed:?}, writes below {written:?}");
        assert_eq!(
            &needed, allowed,
            "{function}: the policy must allow exactly what the function uses"
        );
        assert_eq!(
            &written, &write_prefixes[function],
            "{function}: the policy's dynamodb:LeadingKeys must be exactly the prefixes it writes"
        );
        for private in ["USER#", "GROUP#"] {
            assert!(!written.contains(private), "{function} writes {private} items");
        }
    }
    assert!(
        used.keys().all(|function| policies.contains_key(function)),
        "every fixture folder is a function of the template"
    );
}
