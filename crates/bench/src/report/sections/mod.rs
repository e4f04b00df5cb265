//! The report's sections, one module each, in the order `report::build` puts them.

pub mod classes;
pub mod load;
pub mod replications;
pub mod who_first;
