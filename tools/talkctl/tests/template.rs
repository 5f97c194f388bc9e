//! `template.yaml` and the code agree: the table `talkctl table create` makes is the table the
//! template declares, and the template gives API Gateway exactly the routes the functions
//! declare, each to the function that declares it.

use serde_norway::Value;
use std::collections::BTreeSet;

use talk::routing::Pattern;
use talk::store::TableDefinition;
use talkctl::functions::{FALLBACK, FUNCTIONS};
use talkctl::local::workspace_root;

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
    let ttl = &table["TimeToLiveSpecification"];
    assert_eq!(
        (ttl["AttributeName"].as_str(), ttl["Enabled"].as_bool()),
        (Some(TableDefinition::TIME_TO_LIVE), Some(true))
    );
    assert_eq!(table["DeletionProtectionEnabled"].as_bool(), Some(true));
}

/// (method, full path, binary) of every route the functions declare.
fn declared_routes() -> BTreeSet<(String, String, String)> {
    let mut declared = BTreeSet::new();
    for function in FUNCTIONS {
        for route in function.routes {
            let pattern = route.pattern();
            for path in pattern.full_paths() {
                declared.insert((pattern.verb.as_str().to_string(), path, function.name.to_string()));
            }
        }
    }
    declared
}

#[test]
fn the_template_declares_exactly_the_routes_the_functions_declare() {
    let routes = talkctl::template::routes(&template()).unwrap();
    let in_template: BTreeSet<(String, String, String)> = routes
        .iter()
        .filter(|r| !r.is_default())
        .map(|r| (r.method.clone(), format!("/{}", r.segments.join("/")), r.binary.clone()))
        .collect();
    let declared = declared_routes();
    assert_eq!(
        in_template.difference(&declared).collect::<Vec<_>>(),
        Vec::<&(String, String, String)>::new(),
        "routes of template.yaml that no function declares"
    );
    assert_eq!(
        declared.difference(&in_template).collect::<Vec<_>>(),
        Vec::<&(String, String, String)>::new(),
        "declared routes missing from template.yaml"
    );
    for function in FUNCTIONS {
        assert!(!function.routes.is_empty(), "{} declares no route", function.name);
    }
    let defaults: Vec<&str> = routes
        .iter()
        .filter(|r| r.is_default())
        .map(|r| r.binary.as_str())
        .collect();
    assert_eq!(
        defaults,
        [FALLBACK.name],
        "one $default route, to the fallback function"
    );
}

#[test]
fn the_fallback_knows_the_paths_of_every_other_function() {
    let mut expected: Vec<Pattern> = FUNCTIONS
        .iter()
        .filter(|f| f.name != FALLBACK.name)
        .flat_map(|f| f.routes.iter().map(|r| *r.pattern()))
        .collect();
    let mut known: Vec<Pattern> = FALLBACK.elsewhere.iter().flat_map(|p| p.iter().copied()).collect();
    let key = |p: &Pattern| (p.verb.as_str(), p.path, format!("{:?}", p.base));
    expected.sort_by_key(key);
    known.sort_by_key(key);
    assert_eq!(known, expected);
}

#[test]
fn every_function_logs_to_a_group_with_retention_and_the_api_writes_access_logs() {
    let document: Value = serde_norway::from_str(&template()).unwrap();
    let resources = document["Resources"].as_mapping().unwrap();
    let of_type = |kind: &'static str| {
        resources
            .iter()
            .filter(move |(_, r)| r["Type"].as_str() == Some(kind))
            .map(|(name, r)| (name.as_str().unwrap().to_string(), r.clone()))
    };
    let groups: Vec<String> = of_type("AWS::Logs::LogGroup")
        .inspect(|(name, group)| {
            assert!(
                group["Properties"]["RetentionInDays"].as_u64().is_some_and(|d| d > 0),
                "{name} keeps its logs for a while, not forever"
            );
        })
        .map(|(_, group)| format!("{:?}", group["Properties"]["LogGroupName"]))
        .collect();
    for (function, _) in of_type("AWS::Serverless::Function") {
        let expected = format!("/aws/lambda/${{{function}}}");
        assert!(
            groups.iter().any(|g| g.contains(&expected)),
            "no log group for {function}"
        );
    }
    let access = &document["Resources"]["Api"]["Properties"]["AccessLogSettings"];
    let format = access["Format"].as_str().expect("the API writes access logs");
    for field in [
        "$context.requestId",
        "$context.identity.sourceIp",
        "$context.routeKey",
        "$context.status",
        "$context.responseLatency",
    ] {
        assert!(format.contains(field), "access logs lack {field}");
    }
    assert!(
        !format.to_ascii_lowercase().contains("header"),
        "access logs carry no header"
    );
}
