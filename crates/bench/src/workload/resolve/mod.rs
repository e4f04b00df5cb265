//! The rules that need context, by area: the schema says what may be written, resolve says
//! what is required, in range and consistent, fills the defaults, and builds the engine's
//! [`Workload`]. Each error names the key path it is about.

mod actions;
mod clients;
mod failures;
mod ga;
mod health;
mod lb;
mod model;
mod pattern;
mod records;
mod regions;
mod resolvers;
mod route53;
mod simulation;

use resolver_models::presets::{POPULATIONS, PopulationPreset};
use serde::de::DeserializeOwned;
use sim_engine::config::{Clients, Failure, Region, Simulation, Workload};

use super::names::quoted_list;
use super::schema::{Num, RawWorkload, Tables};
use super::{LoadError, population_clients, population_resolvers};

#[cfg(test)]
pub(crate) use health::default_health_check;

pub(super) type Res<T> = Result<T, LoadError>;

/// A key path being resolved, printed as the user writes it: `arms[1].health_check.interval`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At(String);

impl At {
    pub(crate) fn root() -> At {
        At(String::new())
    }

    /// `path.key`, quoting keys that are not bare TOML keys (`arms[0]."odd key"`).
    pub(crate) fn key(&self, key: &str) -> At {
        let bare = !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let key = if bare {
            key.to_string()
        } else {
            format!("{key:?}")
        };
        if self.0.is_empty() {
            At(key)
        } else {
            At(format!("{}.{key}", self.0))
        }
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn idx(&self, i: usize) -> At {
        At(format!("{}[{i}]", self.0))
    }

    pub(crate) fn err(&self, message: impl Into<String>) -> LoadError {
        LoadError::new(self.0.clone(), message)
    }

    /// The error `message` at `self.key`.
    pub(crate) fn at(&self, key: &str, message: impl Into<String>) -> LoadError {
        self.key(key).err(message)
    }

    /// A required value.
    pub(crate) fn req<T>(&self, key: &str, v: Option<T>) -> Res<T> {
        v.ok_or_else(|| self.at(key, "is required"))
    }

    /// A required non-empty string.
    pub(crate) fn name(&self, key: &str, v: Option<String>) -> Res<String> {
        let s = self.req(key, v)?;
        if s.trim().is_empty() {
            return Err(self.at(key, "must not be empty"));
        }
        Ok(s)
    }

    /// An integer in `min..=max`.
    pub(crate) fn int(&self, key: &str, v: Option<i64>, min: i64, max: i64) -> Res<Option<i64>> {
        let Some(i) = v else { return Ok(None) };
        if i < min || i > max {
            // Bounds that are only the target type's limits are not worth mentioning.
            let open_max = max >= i64::from(u32::MAX);
            let msg = if i < min && open_max {
                format!("must be at least {min} (got {i})")
            } else if i > max && min <= 0 && open_max {
                format!("must be at most {max} (got {i})")
            } else {
                format!("must be between {min} and {max} (got {i})")
            };
            return Err(self.at(key, msg));
        }
        Ok(Some(i))
    }

    pub(crate) fn u32_in(&self, key: &str, v: Option<i64>, min: u32, max: u32) -> Res<Option<u32>> {
        // In range by construction, so the conversion cannot fail.
        Ok(self
            .int(key, v, i64::from(min), i64::from(max))?
            .map(|i| u32::try_from(i).unwrap_or(max)))
    }

    pub(crate) fn u64_from(&self, key: &str, v: Option<i64>, min: u64) -> Res<Option<u64>> {
        let min = i64::try_from(min).unwrap_or(i64::MAX);
        Ok(self
            .int(key, v, min, i64::MAX)?
            .map(|i| u64::try_from(i).unwrap_or(0)))
    }

    /// A duration greater than zero.
    pub(crate) fn positive(&self, key: &str, v: Option<u64>) -> Res<Option<u64>> {
        match v {
            Some(0) => Err(self.at(key, "must be greater than 0s")),
            d => Ok(d),
        }
    }

    /// Refuse `key` when it is written but does not apply here.
    pub(crate) fn only<T>(&self, key: &str, v: &Option<T>, what: &str) -> Res<()> {
        match v {
            Some(_) => Err(self.at(key, format!("only for {what}"))),
            None => Ok(()),
        }
    }

    /// A deferred table read as `T`, with errors under this path.
    pub(crate) fn read<T: DeserializeOwned>(&self, table: toml::Table) -> Res<T> {
        serde_path_to_error::deserialize(toml::Value::Table(table))
            .map_err(|e| super::from_serde(self, &e))
    }

    /// The index of the region named `name` among `regions`.
    pub(crate) fn region(&self, key: &str, name: Option<String>, regions: &[Region]) -> Res<usize> {
        let name = self.req(key, name)?;
        regions.iter().position(|r| r.name == name).ok_or_else(|| {
            let declared: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
            self.at(
                key,
                format!(
                    "region {name:?} is not declared in [[regions]] (declared: {})",
                    declared.join(", ")
                ),
            )
        })
    }
}

/// A number from the schema.
pub(crate) fn num(v: Option<Num>) -> Option<f64> {
    v.map(|n| n.0)
}

/// The items of an optional array of tables, each with its path.
pub(crate) fn items<T>(at: &At, key: &str, v: Option<Tables<T>>) -> Vec<(At, T)> {
    let base = at.key(key);
    v.map(|t| t.0)
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, t)| (base.idx(i), t))
        .collect()
}

/// A number for a message, without float noise from sums (`0.8999999999999999` → `0.9`).
pub(crate) fn fmt_num(x: f64) -> String {
    let s = format!("{x:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// What arms are validated against.
pub(crate) struct Context<'w> {
    pub simulation: &'w Simulation,
    pub regions: &'w [Region],
    pub failures: &'w [Failure],
    pub clients: &'w Clients,
}

/// The whole workload, in the order its parts depend on each other.
pub(crate) fn workload(raw: RawWorkload, preset: Option<PopulationPreset>) -> Res<Workload> {
    let top = At::root();
    let name = top.name("name", raw.name)?;
    validate_workload_name(&name).map_err(|m| top.at("name", m))?;
    let named = match raw.population {
        None => None,
        Some(n) => Some(resolver_models::presets::population(&n).ok_or_else(|| {
            top.at(
                "population",
                format!("unknown preset {n:?} (known: {})", quoted_list(POPULATIONS)),
            )
        })?),
    };
    let population = preset.or(named);
    let simulation = simulation::simulation(&top, raw.simulation)?;
    let (regions, lbs) = regions::regions(&top, raw.regions, simulation.clients)?;
    let base = population
        .as_ref()
        .map_or_else(Clients::default, population_clients);
    let clients = match raw.clients {
        None => base,
        Some(c) => clients::clients(&top.key("clients"), c, &base)?,
    };
    let (resolvers, negative_caps) = match (&population, raw.resolvers) {
        (Some(p), None) => {
            let classes = population_resolvers(p);
            let caps = vec![None; classes.len()];
            (classes, caps)
        }
        (_, r) => resolvers::resolvers(&top, r, &regions)?,
    };
    let failures = failures::failures(&top, raw.failures, &simulation, &regions)?;
    let cx = Context {
        simulation: &simulation,
        regions: &regions,
        failures: &failures,
        clients: &clients,
    };
    let arms = route53::arms(&top, raw.arms, &cx)?;
    let actions = actions::actions(&top, raw.actions, &simulation, &arms)?;
    let mut w = Workload {
        name,
        description: raw.description,
        simulation,
        regions,
        clients,
        resolvers,
        failures,
        arms,
        actions,
        params: None,
    };
    // Which keys were written matters only under a client software (they override it):
    // without one, a default written out is the same workload as the key left out.
    let arms = w.arms.iter_mut().map(|a| &mut a.clients);
    for c in std::iter::once(&mut w.clients).chain(arms) {
        if c.software.is_none() {
            c.software_overrides = Default::default();
        }
    }
    let mut params = lb::params(&w, lbs)?;
    params.negative.resolver_cap = negative_caps;
    model::model(&top.key("model"), raw.model, &mut params)?;
    params
        .validate(&w)
        .map_err(|e| LoadError::new(e.key, e.message))?;
    w.params = Some(params);
    Ok(w)
}

/// The workload name is used in output folder names.
fn validate_workload_name(name: &str) -> Result<(), String> {
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "may contain only letters, digits, '.', '_' and '-' (it is used in folder names); \
             found {c:?}"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("must not be {name:?} (it is used in folder names)"));
    }
    Ok(())
}
