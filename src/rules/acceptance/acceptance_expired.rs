//! ASR903 acceptance-expired: an acceptance past its `expires` day. It no
//! longer accepts: the findings it covered count again, and it is itself
//! an error until it is renewed or removed.

use super::{in_play, new, place};
use crate::finding::Level;
use crate::model::Operation;
use crate::rules::{Category, Findings, Rule, RuleCtx, RuleMeta};

pub static META: RuleMeta = RuleMeta {
    code: "ASR903",
    name: "acceptance-expired",
    category: Category::Config,
    level: Level::Error,
    operations: Operation::ALL,
    summary: "an acceptance in the config file is past its expiry date (it no longer accepts)",
    docs: include_str!("../../../rules/acceptance-expired/README.md"),
};

pub struct AcceptanceExpired;

impl Rule for AcceptanceExpired {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn review(&self, ctx: &RuleCtx, _used: &[bool], out: &mut Findings) {
        for a in &ctx.config.accept {
            let Some(day) = a.expires.filter(|_| a.expired(ctx.now)) else {
                continue;
            };
            if !in_play(ctx, a) {
                continue;
            }
            let owner = a
                .owner
                .as_deref()
                .map(|o| format!(" (owner: {o})"))
                .unwrap_or_default();
            out.push(new(
                &META,
                ctx,
                a,
                format!(
                    "the acceptance of {}{owner} expired on {day}: it no longer accepts, so the findings it covered count again",
                    a.describe()
                ),
                format!(
                    "Fix what it accepted, or — if the risk is still accepted — agree a new date with its owner and change `expires` in {}. Deleting the acceptance makes its findings count as well.",
                    place(a)
                ),
            ));
        }
    }
}
