//! Rule-based extraction of neutrality facts from cleaned articles.
//!
//! (Implementation in progress.)
