//! Part 5: the size of each function's stripped arm64 Lambda binary, next to the minimal
//! lambda_http + aws-sdk-dynamodb functions built in the same run with the same profile: with
//! aws-config's default chains (`minimal-sdk`, the goal's reference) and without them
//! (`minimal-env`, configured from Lambda's variables as the functions are).

use std::process::Command;

use talk_tests::workspace_root;

use crate::lambda::target_dir;
use crate::report::Table;

/// Size goal relative to the minimal binary.
const GOAL: f64 = 1.2;

/// Builds the functions and the references for Lambda (`tools/lambda-build`) and tabulates.
pub fn run() -> anyhow::Result<Table> {
    let status = Command::new(workspace_root().join("tools/lambda-build"))
        .args(["-p", "bench-baselines"])
        .status()?;
    anyhow::ensure!(status.success(), "tools/lambda-build failed");
    let size = |binary: &str| -> anyhow::Result<u64> {
        let path = target_dir().join("lambda").join(binary).join("bootstrap");
        Ok(std::fs::metadata(&path)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            .len())
    };
    let minimal = size("minimal-sdk")? as f64;
    let minimal_env = size("minimal-env")? as f64;
    let mut table = Table::new(&[
        "binary (arm64, stripped)",
        "bytes",
        "MB",
        "× minimal-sdk",
        "goal ≤ 1.2×",
        "× minimal-env",
    ]);
    for subject in crate::lambda::subjects() {
        let bytes = size(subject.binary)?;
        let ratio = bytes as f64 / minimal;
        table.row(vec![
            subject.binary.to_string(),
            bytes.to_string(),
            format!("{:.2}", bytes as f64 / 1e6),
            format!("{ratio:.2}"),
            if subject.binary.contains('-') {
                "(reference)".to_string()
            } else if ratio <= GOAL {
                "met".to_string()
            } else {
                "OVER".to_string()
            },
            format!("{:.2}", bytes as f64 / minimal_env),
        ]);
    }
    Ok(table)
}
