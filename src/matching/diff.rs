//! Word-level longest-common-subsequence diff.

/// Longest token list diffed; longer titles are compared on their first words only.
pub(crate) const MAX_TOKENS: usize = 512;

/// One step of the alignment of `a` against `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `a[i] == b[j]`.
    Same(usize, usize),
    /// `a[i]` is not in `b`.
    Del(usize),
    /// `b[j]` is not in `a`.
    Ins(usize),
}

/// The alignment of `a` against `b`; within a changed stretch, deletions come first.
pub(crate) fn diff<T: PartialEq>(a: &[T], b: &[T]) -> Vec<Op> {
    let a = &a[..a.len().min(MAX_TOKENS)];
    let b = &b[..b.len().min(MAX_TOKENS)];
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: LCS length of a[i..] and b[j..].
    let w = m + 1;
    let mut lcs = vec![0u16; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] =
                if a[i] == b[j] { lcs[(i + 1) * w + j + 1] + 1 } else { lcs[(i + 1) * w + j].max(lcs[i * w + j + 1]) };
        }
    }
    let mut ops = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    let mut dels = Vec::new();
    let mut ins = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.extend(dels.drain(..).map(Op::Del));
            ops.extend(ins.drain(..).map(Op::Ins));
            ops.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            dels.push(i);
            i += 1;
        } else {
            ins.push(j);
            j += 1;
        }
    }
    ops.extend(dels.drain(..).map(Op::Del));
    ops.extend(ins.drain(..).map(Op::Ins));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_words() {
        let a = ["rise", "in", "terrorism"];
        let b = ["rise", "is", "terrorism", "now"];
        assert_eq!(diff(&a, &b), [Op::Same(0, 0), Op::Del(1), Op::Ins(1), Op::Same(2, 2), Op::Ins(3)]);
        assert_eq!(diff::<&str>(&[], &["x"]), [Op::Ins(0)]);
        assert_eq!(diff::<&str>(&["x"], &[]), [Op::Del(0)]);
        assert_eq!(diff::<&str>(&[], &[]), []);
    }
}
