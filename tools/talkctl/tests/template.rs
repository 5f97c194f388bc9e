//! `template.yaml` and the code agree: the table `talkctl table create` makes is the table the
//! template declares, and every route the template declares has a function in this build.

use serde_norway::Value;
use std::collections::BTreeSet;

use talk::ocs::Envelope;
use talk::request::{SPREED_ROUTES, ocs_path, spreed_route};
use talk::store::TableDefinition;
use talkctl::local::workspace_root;
use talkctl::serve::Router;

fn template() -> String {
    std::fs::read_to_string(workspace_root().join("template.yaml")).expect("template.yaml is readable")
}

fn key_schema(value: &Value) -> Vec<(String, String)> {
    value
        .as_sequence()
        .expect("a key schema is a list")
        .iter()
        .map(|k| {
            (
                k["AttributeName"].as_str().unwrap().to_string(),
                k["KeyType"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_template_declares_the_table_the_store_creates() {
    let document: Value = serde_norway::from_str(&template()).unwrap();
    let table = &document["Resources"]["Table"]["Properties"];
    assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    let attributes: Vec<(&str, &str)> = table["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["AttributeName"].as_str().unwrap(),
                a["AttributeType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attributes,
        TableDefinition::KEY_ATTRIBUTES
            .iter()
            .map(|name| (*name, "S"))
            .collect::<Vec<_>>()
    );
    let (pk, sk) = TableDefinition::PRIMARY_KEY;
    assert_eq!(
        key_schema(&table["KeySchema"]),
        vec![(pk.into(), "HASH".into()), (sk.into(), "RANGE".into())]
    );
    let indexes = table["GlobalSecondaryIndexes"].as_sequence().unwrap();
    assert_eq!(indexes.len(), 1);
    let (name, hash, range) = TableDefinition::INDEX;
    assert_eq!(indexes[0]["IndexName"].as_str(), Some(name));
    assert_eq!(
        key_schema(&indexes[0]["KeySchema"]),
        vec![(hash.into(), "HASH".into()), (range.into(), "RANGE".into())]
    );
    assert_eq!(
        indexes[0]["Projection"]["ProjectionType"].as_str(),
        Some(TableDefinition::INDEX_PROJECTION)
    );
}

#[test]
fn every_declared_route_has_a_function_in_this_build() {
    let router = Router::from_template(&template()).expect("every binary of the template is linked in");
    assert_eq!(
        router.len(),
        42,
        "20 spreed routes and capabilities, each under /ocs/v1.php and /ocs/v2.php"
    );
}

#[test]
fn the_template_declares_every_route_of_the_spec_in_both_envelopes() {
    let routes = talkctl::template::routes(&template()).unwrap();
    let declared: BTreeSet<(String, String)> = routes
        .iter()
        .filter(|r| !r.is_default())
        .map(|r| (r.method.clone(), format!("/{}", r.segments.join("/"))))
        .collect();
    let mut below_prefix = BTreeSet::new();
    for (method, path) in &declared {
        let (envelope, rest) = ocs_path(path).expect("every route is an OCS path");
        let twin = match envelope {
            Envelope::V1 => format!("/ocs/v2.php{rest}"),
            Envelope::V2 => format!("/ocs/v1.php{rest}"),
        };
        assert!(
            declared.contains(&(method.clone(), twin.clone())),
            "{method} {path} has no twin {twin}"
        );
        if let Some((_, route)) = spreed_route(path) {
            below_prefix.insert(route.to_string());
        }
    }
    assert_eq!(
        below_prefix,
        SPREED_ROUTES.iter().map(|r| r.to_string()).collect::<BTreeSet<_>>()
    );
    assert!(declared.contains(&("GET".to_string(), "/ocs/v2.php/cloud/capabilities".to_string())));
    assert_eq!(
        routes.iter().filter(|r| r.is_default()).count(),
        1,
        "one $default route answers everything else"
    );
}
