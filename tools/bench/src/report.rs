//! Markdown tables, as printed and as committed in `docs/benchmarks.md`.

use std::fmt;

/// A table of strings with a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column names.
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |cells: &[String]| format!("| {} |", cells.join(" | "));
        writeln!(f, "{}", line(&self.header))?;
        writeln!(f, "|{}", "---|".repeat(self.header.len()))?;
        for row in &self.rows {
            writeln!(f, "{}", line(row))?;
        }
        Ok(())
    }
}

/// Milliseconds with one decimal.
pub fn ms(duration: std::time::Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1e3)
}

/// The median of some durations (the upper one of an even count).
pub fn median(mut values: Vec<std::time::Duration>) -> std::time::Duration {
    values.sort();
    percentile(&values, 0.5)
}

/// The value below which `fraction` of sorted `values` lie (zero for none).
pub fn percentile(sorted: &[std::time::Duration], fraction: f64) -> std::time::Duration {
    let index = ((sorted.len() as f64 * fraction) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}
