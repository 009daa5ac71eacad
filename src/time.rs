//! Caller-supplied time.
//!
//! cors-sim never reads a clock. Every operation that depends on time (the
//! CORS-preflight cache's expiry) takes a [`Time`] that the caller chooses,
//! as quinn-proto and str0m do. A `Time` is a point on the caller's own
//! timeline, counted in milliseconds from an origin of the caller's choosing:
//! only differences between two `Time`s mean anything.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A point in time on the caller's timeline, in milliseconds.
///
/// ```
/// use cors_sim::Time;
/// let t0 = Time::ZERO;
/// let t1 = t0 + Time::from_secs(5).as_duration_ms();
/// assert_eq!(t1, Time::from_millis(5_000));
/// assert_eq!(Time::from_secs_f64(7.5), Time::from_millis(7_500));
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(u64);

impl Time {
    /// The origin of the timeline.
    pub const ZERO: Time = Time(0);
    /// The latest representable time.
    pub const MAX: Time = Time(u64::MAX);

    /// A time `ms` milliseconds after the origin.
    pub const fn from_millis(ms: u64) -> Time {
        Time(ms)
    }

    /// A time `secs` seconds after the origin (saturating).
    pub const fn from_secs(secs: u64) -> Time {
        Time(secs.saturating_mul(1000))
    }

    /// A time `secs` seconds after the origin, rounded to the millisecond.
    /// Negative and non-finite values give [`Time::ZERO`]; huge ones saturate.
    pub fn from_secs_f64(secs: f64) -> Time {
        if !secs.is_finite() || secs <= 0.0 {
            return Time::ZERO;
        }
        let ms = (secs * 1000.0).round();
        if ms >= u64::MAX as f64 {
            Time::MAX
        } else {
            Time(ms as u64)
        }
    }

    /// Milliseconds since the origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since the origin, as a float (for display).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// This time viewed as a duration from the origin, in milliseconds.
    pub const fn as_duration_ms(self) -> u64 {
        self.0
    }

    /// This time plus `secs` seconds, saturating at [`Time::MAX`].
    pub const fn plus_secs(self, secs: u64) -> Time {
        Time(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

impl std::ops::Add<u64> for Time {
    type Output = Time;
    /// Adds milliseconds, saturating.
    fn add(self, ms: u64) -> Time {
        Time(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}s", self.as_secs_f64())
    }
}
