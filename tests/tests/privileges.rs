//! Least privilege: each function's policy in `template.yaml` allows exactly the DynamoDB
//! actions the function uses. What a function uses is recorded by the SDK interceptor while
//! every fixture of that function runs, plus the paths fixtures do not reach (changes too large
//! for one transaction, which finish with batch writes).

use std::collections::{BTreeMap, BTreeSet};

use hyper::Method;
use serde_norway::Value;
use talk::domain::{Participant, ParticipantType, RoomToken, User, UserId};
use talk_tests::http::{BASE, Client};
use talk_tests::{TestEnv, fixture_files, run_fixture, workspace_root};

/// The DynamoDB actions each function's policy allows, by binary name.
fn template_policies() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(workspace_root().join("template.yaml")).unwrap();
    let document: Value = serde_norway::from_str(&text).unwrap();
    let mut policies = BTreeMap::new();
    for (_, resource) in document["Resources"].as_mapping().unwrap() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap()
            .to_string();
        let actions: BTreeSet<String> = resource["Properties"]
            .get("Policies")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .flat_map(|policy| policy["Statement"].as_sequence().cloned().unwrap_or_default())
            .flat_map(|statement| statement["Action"].as_sequence().cloned().unwrap_or_default())
            .map(|action| action.as_str().unwrap().trim_start_matches("dynamodb:").to_string())
            .collect();
        policies.insert(binary, actions);
    }
    policies
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

/// The actions a function needs on the paths fixtures do not reach.
async fn large_change_actions(function: &str) -> BTreeSet<String> {
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
        _ => return BTreeSet::new(),
    }
    env.store().calls().snapshot().actions
}

#[tokio::test]
async fn every_function_is_allowed_exactly_the_dynamodb_actions_it_uses() {
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in fixture_files() {
        let (env, _) = run_fixture(&file).await;
        let function = file.split('/').next().unwrap().to_string();
        used.entry(function)
            .or_default()
            .extend(env.store().calls().snapshot().actions);
    }
    let policies = template_policies();
    for (function, allowed) in &policies {
        let mut needed = used.get(function).cloned().unwrap_or_default();
        needed.extend(large_change_actions(function).await);
        println!("{function}: uses {needed:?}");
        assert_eq!(
            &needed, allowed,
            "{function}: the policy must allow exactly what the function uses"
        );
    }
    assert!(
        used.keys().all(|function| policies.contains_key(function)),
        "every fixture folder is a function of the template"
    );
}
