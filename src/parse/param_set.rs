//! Sets of request parameters, as a bit mask: which parameters an endpoint
//! reads (and refuses to see repeated), and which ones were repeated.

use crate::values::param::Param;

// `ParamSet` is a `u32` bit mask.
const _: () = assert!(Param::COUNT <= 32);

/// A set of parameters, as a bit mask over [`Param`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ParamSet(u32);

impl ParamSet {
    pub(crate) const fn of(params: &[Param]) -> ParamSet {
        let mut bits = 0;
        let mut rest = params;
        while let [first, tail @ ..] = rest {
            bits |= first.bit();
            rest = tail;
        }
        ParamSet(bits)
    }

    pub(crate) fn insert(&mut self, param: Param) {
        self.0 |= param.bit();
    }

    pub(crate) const fn contains(self, param: Param) -> bool {
        self.0 & param.bit() != 0
    }

    pub(crate) const fn intersection(self, other: ParamSet) -> ParamSet {
        ParamSet(self.0 & other.0)
    }

    /// The member declared first in [`Param`], so a report never depends on
    /// the order parameters arrived in.
    pub(crate) fn first(self) -> Option<Param> {
        Param::ALL.iter().copied().find(|p| self.contains(*p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_is_by_declaration_order() {
        let set = ParamSet::of(&[Param::Scope, Param::ClientId]);
        assert_eq!(set.first(), Some(Param::ClientId));
        assert_eq!(ParamSet::default().first(), None);
    }
}
