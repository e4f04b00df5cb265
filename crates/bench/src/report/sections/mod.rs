//! The report's sections, one module each, in the order `report::build` puts them: scenario,
//! arms, results (with replications), plots, classes, load, who_first, assumptions (with
//! reproduce). Each returns its blocks of the document model (`report::doc`).

pub mod arms;
pub mod assumptions;
pub mod classes;
pub mod load;
pub mod plots;
pub mod ranges;
pub mod replications;
pub mod results;
pub mod scenario;
pub mod who_first;
