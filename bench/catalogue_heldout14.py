"""A fourteenth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-08 by helper blind14, which did not read the checks, the explainer, the
detectors, circuit.py, variables.py, their tests, the docs about feedback wording, the
README's sections on feedback, bench/feedback_catalogue.py, bench/mistake_catalogue.py, the
grader's messages, any grader output, git log messages or diffs, or docs/MEASUREMENTS.md.
It read only bench/catalogue_heldout*.py (for the format and to avoid their slips), the
graded functions' signatures, docstrings and worked solution cells in solutions/ (and the
student versions in assignments/), the "Graded functions" section of /work/shared/SPEC.md
and /work/shared/CURRICULUM.md. It was committed before any entry was run through the
grader (no feedback_catalogue run, no mistake_catalogue run, no test cell, no pytest, no
grading CLI). Each entry was checked only against the worked solutions, with a throwaway
script outside the repository that execs the solution notebook's given and solution cells,
swaps in the entry's function and, on three seeds with inputs of the documented shapes,
checks that it runs, returns float64 outputs of the right shapes, and differs from the
worked solution by more than 3% of the largest entry somewhere on every seed.

    python bench/feedback_catalogue.py bench/catalogue_heldout14.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is meant to be a slip none of the earlier held-out catalogues has. This round
mixes kinds: off-by-one loops and ranges (the last entry of a numerical gradient, a prelu
loop from 1, lstm loops that stop before step 0 or run one step past it, a guard written
T - 2, a loop bound of C classes for N rows, a return indented into the loop), aliasing
whose effect shows in the outputs (stage gradients that are one array scaled in place, db
started as a view of dout's first row, dout /= N), dtype slips (~ on an integer mask, a
leaky slope stored into an integer mask, label row sums cast to int, floor division),
a transposed Jacobian, a Jacobian built as an outer product, sums taken before a product,
mixed-up variables (dW for W, dalpha for alpha, z for dz, logits for labels, di in the
forget block, the loss for dloss), wrong nonlinearity derivatives (a ReLU mask in the tanh
step, tanh's derivative in the ReLU recurrence, a sigmoid-style derivative of tanh(c)),
a precedence slip, an exp overflow, value clipping for norm clipping and the reverse, and
habits carried over from other notebooks (a percentage from predict_dead_units, |dX| from
the saliency map, label smoothing, a target-minus-prediction sign convention, a softmax
where the sigmoid belongs).
`accept` holds case-insensitive regular expressions; any one found in a failing message's
text about the answer counts as naming the mistake. They accept a correct description in
other words: the mistake's cause, or the exact relation between the wrong answer and the
right one, naming the quantity involved; never only a location or an output's name.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the|their)? ?(input|argument|cache|caller)",
          r"overwr", r"new array", r"original values?", r"alias", r"same array"]
TWICE = [r"twice", r"two times", r"a second time", r"counted (twice|two)",
         r"doubl\w* (count|applied)", r"applied (two|2) times"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign", r"sign error"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?|becomes?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
FROM_ZEROS = [r"instead of (from )?zeros", r"(not|rather than) (from )?zeros", r"(start\w*|initiali[sz]\w*) (from|with|at|as) "
              r"(a copy of )?(the )?(input|weights?|x\b|Wh\b|h0\b|state|pre-?activation|relu_cache|next_c|cell state)"]
ONE_OVER_N = [r"1 ?/ ?N\b", r"divid\w* by (the )?(batch( size)?|N\b|number of (examples|rows)|a\.shape\[0\]|dout\.shape\[0\])",
              r"N times (too small|smaller)", r"too small by (a factor of )?N\b",
              r"(averag|mean)\w*.{0,40}(over|across) (the )?(batch|examples|rows)"]
OFF_BY_ONE = [r"off[- ]by[- ]one"]


CATALOGUE = [
    # ======================================================================== staged (8)
    E("st14_num_skips_last_entry", "staged", "numerical_gradient",
      "The loop over the entries runs range(x.size - 1), so the last entry of x is never perturbed "
      "and its gradient stays 0; every other entry is right.",
      OFF_BY_ONE + [r"last (entry|element|index|component|position|coordinate)",
                    r"range\(\s*x\.size\s*-\s*1\s*\)",
                    r"(skips?|misses|missed|omits?|leaves out|never (perturb|visit|reach|estimat|comput)\w*).{0,40}(last|final)",
                    r"(final|last) (one|entry|element).{0,40}(0\b|zero|never|not (computed|estimated|perturbed|filled))",
                    r"one (entry|element|iteration) (short|too few)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for k in range(x.size - 1):
              i = np.unravel_index(k, x.shape)
              old = x[i]
              x[i] = old + h
              f_plus = f(x)
              x[i] = old - h
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st14_max_bitwise_not_int", "staged", "max_backward",
      "The winner mask is made an integer array (astype(int)) and dy uses ~mask, which on integers "
      "is the bitwise not -1 - mask, not the logical not: dy is -dout where y won and -2 * dout where "
      "x won, instead of dout where y won and 0 where x won; dx is right.",
      [r"bitwise", r"~\s*[a-z_(]", r"-\s*1\s*-\s*(mask|x_wins|the mask)",
       r"(integer|int) (mask|array).{0,60}(~|not\b|invert|negat|complement)",
       r"-\s*2\s*\*?\s*dout|-2 times|twice (the )?(negative|-\s*dout)",
       r"dy.{0,60}(-\s*dout|negative|negated|opposite sign|wrong sign)",
       r"(logical|boolean) (not|negation|complement)"],
      """
      def max_backward(dout, x, y):
          x_wins = (x > y).astype(int)
          dx = dout * x_wins
          dy = dout * ~x_wins
          return dx, dy
      """),
    E("st14_dy_skips_square", "staged", "staged_backward",
      "y's share of the gradient through x + y is taken from dxpysqr (the gradient before the square) "
      "instead of dxpy = 2 (x + y) * dxpysqr: dy's path through (x + y)**2 misses the square's local "
      "gradient 2(x + y); dx is right.",
      [r"(miss\w*|forg[eo]t\w*|without|lacks?|drop\w*|skip\w*|omit\w*|leaves? out|left out) (the )?(factor |local (gradient|derivative) )?(of )?2\s*\*?\s*\(?\s*x\s*\+\s*y",
       r"(square|xpysqr|\(x ?\+ ?y\) ?\*\* ?2)'?s? (local )?(gradient|derivative).{0,60}(missing|skipped|forgotten|left out|not applied|omitted)",
       r"dy ?= ?(1\.0 ?\* ?)?dxpysqr", r"(before|without going through|bypass\w*|skip\w*) (the )?square",
       r"dxpysqr (instead of|in place of|where|rather than) dxpy", r"1 ?/ ?\(?2 ?\*? ?\(?x ?\+ ?y\)?\)? times"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpysqr
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st14_sigy_term_into_dx", "staged", "staged_backward",
      "The sigmoid(y) stage's term sigy(1 - sigy) * dsigy is added to dx instead of dy (a copy of the "
      "dx line above it): dx has an extra term and dy misses its path through the numerator.",
      [r"(added|goes|sent|accumulated|put) (in)?to dx (instead of|rather than|not) (in)?to dy",
       r"sig(y|moid\(y\)).{0,60}(dx instead of dy|into dx|to dx\b|in dx\b|onto dx)",
       r"dy.{0,60}(miss\w*|lacks?|without|forg[eo]t\w*|drop\w*).{0,40}(sig(y|moid\(y\))|numerator)",
       r"wrong (variable|accumulator)", r"(belongs|should go|should be added) (in|to|into) dy",
       r"dx \+= ?sigy"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dx += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st14_square_local_twice", "staged", "staged_backward",
      "The square's local gradient 2(x + y) is applied twice (once when the sum passes dden to the "
      "square, again at the square itself): both paths through (x + y)**2 carry (2(x + y))**2 instead "
      "of 2(x + y).",
      TWICE + [r"(square|2\s*\*?\s*\(?x ?\+ ?y\)?|xpy)\b.{0,60}(twice|again|squared|two times|second time)",
               r"\(\s*2\s*\*?\s*\(?x ?\+ ?y\)?\s*\)\s*(\*\*|\^)\s*2", r"extra factor (of )?2\s*\*?\s*\(?x ?\+ ?y",
               r"2\s*\*?\s*\(?x ?\+ ?y\)? times (the right|too)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 2.0 * xpy * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st14_dsigx_aliased_scaled", "staged", "staged_backward",
      "dsigx, dxpysqr and dxpy are all names for the one array dden (no copies), so dxpy *= 2 * xpy "
      "scales dsigx too: with array inputs x's path through sigmoid(x) carries an extra factor "
      "2(x + y); with float inputs (no aliasing) the result is right.",
      MUTATE + [r"extra factor (of )?2\s*\*?\s*\(?x ?\+ ?y",
                r"sig(x|moid\(x\)).{0,60}(2\s*\*?\s*\(?x ?\+ ?y|xpy|square'?s? (local )?(gradient|derivative|factor))",
                r"(only )?(right|correct) (only )?(for|with) (floats|scalars|scalar inputs)",
                r"(wrong|fails|differs) (only )?(for|with) (array|numpy)", r"same (array|object|buffer)",
                r"\*=.{0,40}(also|too|every name|all)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden            # the sum passes dden on unchanged
          dxpysqr = dden
          dxpy = dxpysqr
          dxpy *= 2.0 * xpy
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st14_dinvden_times_f", "staged", "staged_backward",
      "In f = num * invden the gradient on invden is f * df (the output num * invden) instead of "
      "num * df (the other factor): every path through the denominator carries an extra factor "
      "invden = 1/den.",
      [r"extra factor (of )?(invden|1 ?/ ?den\w*|the reciprocal)", r"dinvden ?= ?f ?\*",
       r"(output|result|\bf\b).{0,40}(instead of|in place of|where|rather than) (the )?(numerator|num\b|other factor)",
       r"(divided|divides) by (the )?den\w* (again|twice|a second time)", r"1 ?/ ?den\w* times (the right|too)",
       r"den(ominator)?'?s? paths?.{0,60}(invden|1 ?/ ?den|reciprocal)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          f = num * invden
          dnum = invden * df
          dinvden = f * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st14_xpy_sum_as_product", "staged", "staged_backward",
      "The sum xpy = x + y is differentiated like a product: x's share is dxpy * y and y's share "
      "dxpy * x, instead of dxpy for both.",
      [r"(like|as if it were|as) (a |the )?(product|multipl\w*)",
       r"(sum|add\w*|x ?\+ ?y).{0,60}(product rule|multiply gate|a product)",
       r"dxpy ?\* ?y|dxpy ?\* ?x|y ?\* ?dxpy|x ?\* ?dxpy",
       r"(multiplied|times) by (the other input|y\b|x\b).{0,40}(instead of|rather than|should)",
       r"(add|sum) (gate|stage|node).{0,60}(pass\w*|distribut\w*|unchanged|cop(y|ies))"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = 1.0 * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = y * dxpy
          dy = x * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),

    # ======================================================================== sigmoid (7)
    E("sg14_dx_product_of_sums", "sigmoid", "sigmoid_layer_backward",
      "dx is the column sums of W times the sum of da over the units, W.sum(axis=0) * da.sum(), "
      "instead of W.T @ da: each input pairs every unit's weight with every unit's gradient instead "
      "of unit by unit; dW is right.",
      [r"product of (the |two )?sums", r"sum\w* (separately|before (multiply\w*|the product))",
       r"W\.sum\(axis ?= ?0\) ?\* ?da\.sum", r"(every|each) unit'?s? (weight|gradient) (is )?paired with (every|all)",
       r"instead of W\.T ?@ ?da|instead of (the )?(matrix|dot) product",
       r"(sums|summing) (the )?(weights|W)\b.{0,40}(and|then|times).{0,30}(gradients?|da)\b"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.sum(axis=0) * da.sum()
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg14_z_times_two_typo", "sigmoid", "sigmoid_layer_backward",
      "A typo of * for ** in the local gradient: z - z * 2 (which is -z) instead of z - z**2 = "
      "z(1 - z), so da = -dz * z and dx and dW are wrong (with the opposite sign).",
      [r"z ?\* ?2\b", r"\*\* ?(vs\.?|for|instead of|and) ?\*|\* (instead of|for|where) \*\*",
       r"(multiplied by 2|times 2|times two|doubl\w*) (instead of|rather than|where) (squar\w*|the square)",
       r"-\s*z\b.{0,40}(instead of|rather than|where)", r"-\s*dz\s*\*\s*z|-\s*z\s*\*\s*dz",
       r"(negative|minus) (of )?(the )?(output|z)\b"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z - z * 2
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg14_jacobian_outer", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's Jacobian is built as the outer product np.outer(z, 1 - z) instead of the diagonal "
      "matrix diag(z(1 - z)): each unit's da is z_i times the sum over all units of (1 - z_k) dz_k "
      "instead of z_i (1 - z_i) dz_i, so dx and dW are wrong.",
      [r"outer product", r"np\.outer\(z", r"diag(onal)?\b", r"(couples?|mix\w*|coupl\w*) (the )?units",
       r"(every|all|other) units?'? ?(dz|gradients?|upstream)", r"(should be|is|acts|derivative is) element-?wise",
       r"element-?wise (product|derivative|local)", r"(sum|summed) over (all )?(the )?(other )?units"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          J = np.outer(z, 1.0 - z)        # the sigmoid's Jacobian
          da = J @ dz
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg14_z_for_dz_typo", "sigmoid", "sigmoid_layer_backward",
      "A typo puts z where dz belongs: da = z * z * (1 - z), so dx and dW never use the upstream "
      "gradient dz (they are the same whatever dz is) and carry an extra factor z.",
      [r"(ignor\w*|never uses?|without|not multipl\w* by|drops?|missing|leaves out|left out|forg[eo]t\w*) (the )?(upstream( gradient)?|dz\b)",
       r"\bz (appears |is used )?(where|instead of|in place of|rather than) dz", r"does not depend on (the upstream|dz)",
       r"(upstream( gradient)?|\bdz\b)( dz)? (is )?(never used|ignored|not used|unused)",
       r"independent of (the upstream|dz)", r"same (whatever|for any|regardless of) (the )?(upstream|dz)",
       r"z ?\* ?z ?\* ?\(1 ?- ?z\)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = z * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg14_sat_softmax_over_units", "sigmoid", "saturated_fraction",
      "The outputs are computed with a softmax over each example's units instead of the sigmoid of "
      "each pre-activation: the units compete, so most outputs are near 0 and counted saturated, and "
      "the fraction is wrong.",
      [r"softmax", r"(normali[sz]\w*|sum to (one|1)) (over|across) (the )?units",
       r"(instead of|rather than|not) (the |a )?sigmoid", r"units (compete|are coupled|depend on each other)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          A = X @ W.T
          E_ = np.exp(A - A.max(axis=1, keepdims=True))
          Z = E_ / E_.sum(axis=1, keepdims=True)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    E("sg14_sat_overflow_nan", "sigmoid", "saturated_fraction",
      "The local gradient is computed from the pre-activation as exp(-a) / (1 + exp(-a))**2, which "
      "overflows to inf / inf = nan for a below about -709; nan < tol is False, so those saturated "
      "pairs are never counted and with large weights the fraction is too small.",
      [r"overflow", r"\bnan\b", r"\binf(inity)?\b", r"exp\(\s*-\s*a\s*\)",
       r"(large|big|very) (negative )?(weights|pre-?activations).{0,60}(not counted|missed|never counted|lost|too (small|low))",
       r"numerical(ly)? (unstable|instabilit\w*|overflow|issue|problem)", r"unstable",
       r"negative (saturated|side).{0,40}(not counted|missed|missing|never counted)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          A = X @ W.T
          local = np.exp(-A) / (1.0 + np.exp(-A)) ** 2
          return float(np.mean(local < tol))
      """),
    E("sg14_sat_divided_by_H_again", "sigmoid", "saturated_fraction",
      "The per-example fractions (already divided by H) are summed and divided by N * H, dividing by "
      "H a second time: the answer is 1/H of the right fraction.",
      [r"1 ?/ ?H\b", r"(divid\w*|normali[sz]\w*) by H (twice|again|a second time)", r"H times (too small|smaller)",
       r"too small by (a factor of )?H\b", r"(divid\w*|normali[sz]\w*)\b.{0,30}twice",
       r"number of units (twice|again)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          N, H = local.shape
          per_example = np.mean(local < tol, axis=1)
          return float(np.sum(per_example) / (N * H))
      """),

    # ======================================================================== relu (7)
    E("rl14_divides_by_N", "relu", "relu_backward",
      "da is divided by the batch size a.shape[0], as if averaging over the examples: every entry is "
      "1/N of the right one.",
      ONE_OVER_N + [r"(scaled|shrunk) by (1 ?/ ?N|the batch)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, dout, 0.0) / a.shape[0]
          return da
      """),
    E("rl14_leaky_int_mask", "relu", "leaky_relu_backward",
      "The local gradient is an integer array ((a > 0).astype(int)), so storing the slope in its "
      "negative entries truncates it to 0: the negative side gets 0 instead of slope * dout, as for a "
      "plain ReLU; the positive side is right.",
      [r"\bint(eger)?\b", r"truncat", r"dtype", r"(slope|leak).{0,40}(becomes|rounded|lost|zero|0\b)",
       r"(like|as for|as if it were|same as) (a |the )?(plain |ordinary |standard )?relu",
       r"negative (side|region|inputs?|entries).{0,60}(\b0\b|zero|nothing|blocked)",
       r"(missing|without|lost|drop\w*|ignor\w*) (the )?(leak|slope)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          local = (a > 0).astype(int)
          local[a <= 0] = slope
          return dout * local
      """),
    E("rl14_prelu_da_uses_dalpha", "relu", "prelu_backward",
      "A typo uses dalpha (the slopes' gradient) where the slopes alpha belong in da: the negative side "
      "is dalpha * dout instead of alpha * dout; dalpha is right.",
      [r"dalpha (instead of|where|in place of|rather than) (the )?(slope|alpha)",
       r"(slope|alpha)'?s? gradient (is )?(used )?(as|instead of|in place of|where) (the )?(slope|alpha)",
       r"(uses|used|multipl\w*).{0,20}dalpha.{0,40}(\bda\b|negative side)",
       r"(mix\w*|confus\w*) (up )?(alpha|the slopes?) (and|with) (dalpha|its gradient|their gradient)",
       r"(negative side|where a ?<= ?0).{0,60}(wrong slope|not alpha)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          da = np.where(negative, dalpha * dout, dout)
          return da, dalpha
      """),
    E("rl14_prelu_dalpha_loop_from_one", "relu", "prelu_backward",
      "dalpha is summed over the examples in a loop that starts at 1, so example 0's term is missing: "
      "dalpha is the right one minus the first row's min(a, 0) * dout; da is right.",
      OFF_BY_ONE + [r"(first|0th|zeroth) (example|row|sample)", r"range\(1", r"(starts?|begins?) at (1|one|index 1)",
                    r"(skips?|misses|miss\w*|omits?|leaves out|never).{0,40}(first|row 0|example 0)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.zeros(a.shape[1])
          for n in range(1, a.shape[0]):
              dalpha += np.where(negative[n], a[n] * dout[n], 0.0)
          return da, dalpha
      """),
    E("rl14_prelu_dalpha_product_rule_sum", "relu", "prelu_backward",
      "dalpha sums (a + alpha) * dout over the negative entries instead of a * dout, as if the product "
      "alpha * a had the local gradient a + alpha: each unit's dalpha is off by alpha times the sum of "
      "dout over its negative entries; da is right.",
      [r"\(?\ba ?\+ ?alpha\)?", r"alpha ?\+ ?a\b", r"product rule", r"extra (term|alpha)",
       r"(plus|adds?|added) (the )?(slope|alpha)\b", r"alpha (should not|does not) (appear|belong)",
       r"(only|just) (the input )?a\b.{0,30}(multipl|factor)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, (a + alpha) * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("rl14_dead_percent", "relu", "dead_neuron_fraction",
      "It returns a percentage (100 times the fraction, the 0-to-100 habit of predict_dead_units) "
      "instead of a fraction in [0, 1].",
      [r"percent", r"100 times", r"(times|multiplied by|scaled by) 100", r"\b0\s*(to|-|–)\s*100\b",
       r"(not|instead of) (a )?fraction", r"\[0, ?1\]", r"(between|in) 0 and 1"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(100.0 * np.mean(dead))
      """),
    E("rl14_dead_floor_division", "relu", "dead_neuron_fraction",
      "The number of dead units is divided by H with floor division (//), so the fraction is "
      "truncated to 0 whenever some but not all units are dead.",
      [r"//", r"floor", r"integer division", r"truncat", r"round(ed|s)? down",
       r"(always|becomes|returns) (0|zero)\b.{0,40}(unless|except|when)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(np.sum(dead) // W.shape[0])
      """),

    # ======================================================================== rnn (10)
    E("rn14_relu_carry_starts_from_h0", "rnn", "relu_rnn_backward",
      "The carry is started as a copy of h0 (used as a shape template) instead of zeros, so the last "
      "step receives h0 as an extra upstream gradient: every output is off by h0 sent back through "
      "the whole sequence.",
      FROM_ZEROS + [r"h0 (is )?(used )?(as|for) (the )?(initial )?(carry|gradient)",
                    r"(carry|gradient).{0,40}(start\w*|initiali[sz]\w*).{0,30}h0",
                    r"extra (upstream )?(gradient|term).{0,40}(last step|h0)",
                    r"(state|h0) (used )?(where|instead of|in place of) (its |a )?gradient"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = h0.copy()
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn14_relu_tanh_local_for_relu", "rnn", "relu_rnn_backward",
      "A habit from the tanh RNN: each step's gradient is multiplied by 1 - hs[t]**2 (tanh's "
      "derivative) instead of the ReLU's 0/1 mask hs[t] > 0.",
      [r"tanh", r"1 ?- ?hs?(\[t\])? ?\*\* ?2", r"(instead of|rather than|not) (the )?(relu'?s? )?(0/1 )?(mask|indicator)",
       r"relu'?s? (mask|derivative|indicator).{0,40}(missing|replaced|not used)",
       r"wrong (nonlinearity|activation)('s)? derivative"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (1.0 - hs[t] ** 2)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn14_step_relu_mask_for_tanh", "rnn", "rnn_step_backward",
      "A habit from the ReLU RNN: the tanh's local gradient is replaced by the mask next_h > 0, so "
      "da = dnext_h where next_h > 0 and 0 elsewhere instead of dnext_h * (1 - next_h**2); every "
      "output is wrong.",
      [r"relu\b(?![_(])", r"\bmask", r"next_h ?> ?0",
       r"(instead of|rather than|not|missing|forg[eo]t\w*|without) (the )?(tanh'?s? )?(derivative|local gradient|1 ?- ?next_h ?\*\* ?2)",
       r"0/1|indicator|step function"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (next_h > 0)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn14_step_dWx_loop_assigns", "rnn", "rnn_step_backward",
      "In a loop over the examples dWx is assigned (dWx = np.outer(x[n], da[n])) instead of added, so "
      "it holds only the last example's term; the other outputs are right.",
      [r"last (example|row|sample)", r"(assign\w*|overwrit\w*|replac\w*) (instead of|rather than|not) (add|accumulat|sum)",
       r"= (instead of|for|rather than) \+=", r"(only|just) (one|the last|a single) (example|row)",
       r"(not|never) (summed|accumulated|added) over (the )?(batch|examples)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = np.zeros_like(Wx)
          for n in range(x.shape[0]):
              dWx = np.outer(x[n], da[n])
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn14_seq_carry_added_after_step", "rnn", "rnn_backward",
      "Each step is backpropagated with its own dh[:, t] only, and what the steps send back is summed "
      "straight into dh0: the carried gradient never goes through the earlier steps (their dx, "
      "weight terms and tanh), so only the last step is right and dh0 is the sum of every step's "
      "dprev_h.",
      [r"(carry|carried|hidden|recurrent) gradient.{0,60}(never (passes|goes|enters|reaches)|bypass\w*|skip\w*|not (passed|fed|added))",
       r"(never|not) (added|fed|passed) (in)?to (the )?(earlier|previous) steps?", r"(only|just) dh\[:, ?t\]",
       r"(summed|added|accumulated) (straight|directly) (in)?to dh0", r"dh0.{0,40}(sum|total) (of|over) (all|every) steps?",
       r"(step|each step)'?s? (own )?upstream.{0,40}(only|alone)",
       r"(no|without|missing) (the )?(recurrent|carried|hidden-state) (gradient|carry)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_t, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :], cache[t])
              dprev = dprev_t + dprev
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn14_seq_carry_by_hand_without_tanh", "rnn", "rnn_backward",
      "The gradient carried to the earlier step is computed by hand as (dh[:, t] + carry) @ Wh.T, "
      "skipping the tanh's derivative 1 - h**2 (the step's dprev_h, which has it, is discarded): every "
      "earlier step and dh0 get a wrong carry.",
      [r"(skip\w*|without|miss\w*|forg[eo]t\w*|ignor\w*|lacks?|omit\w*|drops?) (the )?tanh",
       r"tanh'?s? (derivative|local gradient).{0,40}(missing|skipped|not applied|left out)",
       r"1 ?- ?h\w*(\[[^\]]*\])? ?\*\* ?2.{0,30}(missing|skipped|not)",
       r"dprev_h.{0,40}(discard\w*|ignor\w*|thrown away|not used|unused)", r"by hand",
       r"(before|without going through) (the )?(tanh|nonlinearity)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dnext = dh[:, t, :] + dprev
              dx_t, _, dWx_t, dWh_t, db_t = rnn_step_backward(dnext, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              dprev = dnext @ Wh.T
          return dx, dprev, dWx, dWh, db
      """),
    E("rn14_clipnorm_clips_values", "rnn", "clip_grad_norm",
      "Every entry is clipped to [-max_norm, max_norm] (clipping by value) instead of every array "
      "being scaled by max_norm / total_norm: the direction changes and the global norm is not "
      "brought down to max_norm; total_norm is right.",
      [r"(by|per) (value|entry|element)", r"np\.clip", r"clip_grad_value",
       r"(direction|ratios?) (is |are )?(not kept|changed|changes|lost|not preserved)",
       r"(instead of|rather than|not) (scal\w*|rescal\w*|multipl\w*)", r"element-?wise clip",
       r"(each|every) entry (is )?(clipped|capped)"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          clipped = {name: np.clip(g, -max_norm, max_norm) for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn14_clipnorm_sqrt_of_sum_of_norms", "rnn", "clip_grad_norm",
      "total_norm is the square root of the sum of the arrays' own norms, sqrt(sum ||g||), instead of "
      "the square root of the sum of their squared norms: the norm and the scale are wrong.",
      [r"sqrt\(\s*sum", r"(norms|each norm) (are |is )?not squared",
       r"(square root|sqrt) of (the )?sum of (the )?(arrays'? )?(own )?norms", r"sum of (the )?(arrays'? )?(own )?norms",
       r"(should|must) (be )?squar\w* (the|each) norm", r"sum of (the )?squares"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.linalg.norm(g) for g in grads.values())))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn14_clipvalue_norm_per_array", "rnn", "clip_grad_value",
      "Each array is rescaled to norm at most clip_value (a norm clip per array, direction kept) "
      "instead of each entry being clipped to [-clip_value, clip_value].",
      [r"\bnorm", r"(rescal\w*|scal\w*) (the )?(whole )?arrays?", r"direction (is )?(kept|preserved)",
       r"(instead of|rather than|not) (clipp\w*|capp\w*) (each|every|individual) (entry|element|value)",
       r"entries (inside|below|within).{0,40}(changed|shrunk|scaled)", r"per[- ](array|tensor)"],
      """
      def clip_grad_value(grads, clip_value):
          clipped = {}
          for name, g in grads.items():
              n = np.linalg.norm(g)
              clipped[name] = g * (clip_value / n) if n > clip_value else g.copy()
          return clipped
      """),
    E("rn14_spectral_dominant_real_part", "rnn", "spectral_radius",
      "It returns the real part of the eigenvalue with the largest modulus (the eigenvalue itself, its "
      "sign kept and its imaginary part dropped) instead of that modulus: wrong whenever the dominant "
      "eigenvalue is complex or negative.",
      [r"real part", r"imaginary (part )?(is )?(dropped|ignored|discarded|lost)",
       r"(modulus|absolute value|\|lambda\||abs\b).{0,40}(not taken|missing|forg[eo]t\w*)",
       r"(eigenvalue itself|the eigenvalue) (instead of|rather than|not) its (modulus|absolute value|magnitude)",
       r"(sign|negative).{0,40}(kept|not removed)", r"complex"],
      """
      def spectral_radius(W):
          eigs = np.linalg.eigvals(W)
          k = np.argmax(np.abs(eigs))
          return float(eigs[k].real)
      """),

    # ======================================================================== softmax (14)
    E("sm14_aff_db_view_of_dout_row", "softmax", "affine_backward",
      "db is started as dout[0], a view of the caller's first row, and the other rows are added into "
      "it: db is right, but dout's first row is overwritten by the column sums, so dx's first row and "
      "dW (computed afterwards) use the changed dout.",
      MUTATE + [r"\bview\b", r"dout\[0\]", r"first row.{0,60}(overwrit\w*|changed|modified|replaced|sum)",
                r"(changed|modified) (the )?(caller'?s? )?(upstream|dout)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          db = dout[0]
          for n in range(1, dout.shape[0]):
              db += dout[n]
          dx = dout @ W.T
          dW = x.T @ dout
          return dx, dW, db
      """),
    E("sm14_aff_dW_first_example_twice", "softmax", "affine_backward",
      "dW is started with the first example's outer product and the loop over the examples then "
      "starts at 0 again, so example 0's term is counted twice: dW is the right one plus "
      "outer(x[0], dout[0]); dx and db are right.",
      TWICE + [r"(first|0th|zeroth) (example|row|sample).{0,40}(twice|again|double|two times)",
               r"outer\(x\[0\], ?dout\[0\]\)", r"(start\w*|initiali[sz]\w*) (with|from|at) (the )?(first|example 0)",
               r"plus (the )?(first|example 0)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dW = np.outer(x[0], dout[0])
          for n in range(x.shape[0]):
              dW += np.outer(x[n], dout[n])
          dx = dout @ W.T
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm14_aff_dx_through_dW", "softmax", "affine_backward",
      "A one-letter typo sends dout back through the weight gradient dW instead of the weights W: "
      "dx = dout @ dW.T instead of dout @ W.T; dW and db are right.",
      [r"dW\.T", r"\bdW\b.{0,30}(instead of|in place of|where|rather than) (the weights )?W\b",
       r"(weight )?gradient (is )?(used )?(instead of|in place of|where|rather than) (the )?weights",
       r"(instead of|rather than|not) (the )?weights W\b", r"one[- ]letter|typo",
       r"(confus\w*|mix\w*) (up )?(W|the weights) (and|with) (dW|(its|the weight) gradient)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dW = x.T @ dout
          dx = dout @ dW.T
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm14_aff_dout_divided_in_place", "softmax", "affine_backward",
      "dout is divided by N in place (dout /= N, averaging over the batch): dx, dW and db are all 1/N "
      "of the right ones, and the caller's dout is changed.",
      MUTATE + ONE_OVER_N,
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dout /= dout.shape[0]
          dx = dout @ W.T
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm14_sce_logsoftmax_jacobian_untransposed", "softmax", "softmax_cross_entropy_backward",
      "Chaining -labels/N through the log-softmax's Jacobian J = I - 1 p^T row by row, it multiplies by "
      "J instead of J^T: each entry is g_c - sum(p * g) instead of g_c - p_c * sum(g), so dlogits = "
      "(sum(p * labels) - labels) / N instead of (p * row_sums - labels) / N; dlabels is right.",
      [r"transpos", r"J\.T|J\^T|jacobian.{0,40}(wrong (side|orientation|way)|not transposed|untransposed)",
       r"sum\(\s*p\w* ?\* ?(g|labels)\s*\)", r"(instead of|rather than) (the )?(vector[- ]jacobian|J\^?T)",
       r"(left|right)[- ]multipl", r"p_c ?\* ?sum"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          g = -dloss * labels / N                  # gradient on log p
          dlogits = np.empty_like(logits)
          for n in range(N):
              J = np.eye(C) - probs[n][None, :]    # d log p_i / d logit_j = delta_ij - p_j
              dlogits[n] = J @ g[n]
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm14_sce_unpack_logits_labels_swapped", "softmax", "softmax_cross_entropy_backward",
      "The cache is unpacked as (labels, logits, probs): the logits are used as the labels in dlogits, "
      "(p * sum(logits) - logits) / N instead of (p * row_sums - labels) / N; dlabels is right.",
      [r"(unpack\w*|order of the cache|cache order).{0,60}(swap\w*|wrong|exchang\w*|revers\w*)",
       r"(logits|labels) (and|with) (the )?(labels|logits).{0,30}(swapped|exchanged|in each other'?s place|mixed up|confused)",
       r"logits (are )?(used )?(as|instead of|in place of|where) (the )?labels",
       r"labels (are )?(used )?(as|instead of|in place of|where) (the )?logits", r"sum\(logits\)|logits\.sum"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          labels, logits, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm14_sce_label_smoothing", "softmax", "softmax_cross_entropy_backward",
      "A label-smoothing habit: dlogits uses the labels smoothed as 0.9 * labels + 0.1 / C (and their "
      "row sums) instead of the labels themselves; dlabels is right.",
      [r"smooth", r"0\.9 ?\*|0\.1 ?/ ?C|\beps(ilon)?\b",
       r"(modif\w*|chang\w*|alter\w*|mix\w*) (the )?labels", r"labels (are )?(not used as given|altered|changed|modified|mixed)",
       r"uniform (distribution|mixture|labels?)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          eps = 0.1
          smooth = (1.0 - eps) * labels + eps / C
          row_sums = smooth.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - smooth) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm14_sce_rowsum_truncated_int", "softmax", "softmax_cross_entropy_backward",
      "The labels' row sums are cast to int (as if they counted labels), truncating soft row sums: "
      "dlogits = (p * floor(row_sums) - labels) / N, right only for rows whose sum is a whole number; "
      "dlabels is right.",
      [r"\bint(eger)?\b", r"truncat", r"floor", r"round(ed|ing)? (down|to (an )?integer|to whole)", r"astype",
       r"whole numbers?"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True).astype(int)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm14_sce_loop_bound_C_for_N", "softmax", "softmax_cross_entropy_backward",
      "The loop over the rows runs range(C), the number of classes, instead of range(N): with more "
      "rows than classes the rows from C on stay zero in dlogits (with fewer it fails); dlabels is "
      "right.",
      [r"range\(C\)", r"(number of )?classes (instead of|rather than|where|in place of) (the )?(number of )?(rows|examples|batch)",
       r"\bC\b (instead of|rather than|where|in place of) N\b",
       r"rows? (from|after|beyond|past) (C|the (number of )?classes).{0,30}(zero|\b0\b|never|not)",
       r"(last|remaining|later) rows?.{0,40}(zero|\b0\b|never (filled|computed|written)|not (filled|computed))",
       r"(mix\w*|confus\w*) (up )?(N|rows|the batch) (and|with) (C|classes)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          dlogits = np.zeros_like(logits)
          for n in range(C):
              dlogits[n] = dloss * (probs[n] * labels[n].sum() - labels[n]) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm14_mlp_dX_abs_saliency", "softmax", "mlp_backward",
      "A habit from the saliency map: dX is returned as its absolute value |dX| instead of the signed "
      "gradient; the parameter gradients are right.",
      [r"\babs(olute)?\b", r"\|dX\|", r"saliency", r"sign (is )?(lost|dropped|removed|discarded)",
       r"(negative|sign).{0,40}(lost|flipped|made positive|dropped)", r"(always|all) (non-?negative|positive)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return np.abs(dX), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm14_mlp_first_layer_before_second", "softmax", "mlp_backward",
      "The layers are walked in forward order: the first layer's backward is called before the second "
      "layer's, with a hidden gradient that is still all zeros, so dX, W1 and b1 are all zeros; W2 and "
      "b2 are right.",
      ZEROS + [r"(wrong|forward) order", r"(called|computed|run|done) (too early|before (the )?(second|hidden|da))",
               r"(hidden gradient|da)\b.{0,40}(not yet|still) (computed|zero)", r"placeholder"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          da = np.zeros_like(relu_cache)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm14_mlp_loss_value_as_dloss", "softmax", "mlp_backward",
      "The loss value is recomputed from the cache and passed to the loss's backward where the upstream "
      "gradient dloss belongs: every gradient is loss / dloss times the right one.",
      [r"loss (value )?(is )?(used |passed )?(as|instead of|in place of|where) (the )?(upstream|dloss)",
       r"(instead of|rather than|not) dloss", r"dloss (is )?(ignored|not used|unused|replaced)", r"loss ?/ ?dloss",
       r"(ignores|ignoring|never uses) (the )?upstream"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          loss = -np.sum(labels * np.log(probs)) / logits.shape[0]
          dlogits, _ = softmax_cross_entropy_backward(loss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm14_mlp_dh_starts_from_relu_cache", "softmax", "mlp_backward",
      "Written out by hand, the hidden gradient's buffer is started as a copy of the ReLU's input "
      "relu_cache (a shape template) instead of zeros, so dh = relu_cache + dlogits @ W2.T: dX, dW1 "
      "and db1 are wrong; W2 and b2 are right.",
      FROM_ZEROS + [r"relu_cache.{0,40}(added|plus|template|start|initial)",
                    r"(pre-?activation|relu'?s? input).{0,40}(added|plus|included)",
                    r"(start\w*|initiali[sz]\w*|buffer).{0,40}(relu_cache|pre-?activation|a copy)",
                    r"plus (the )?(pre-?activation|relu_cache)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h, W2, b2 = aff2_cache
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = relu_cache.copy()
          dh += dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm14_mlp_dprobs_as_dlogits", "softmax", "mlp_backward",
      "Written out by hand, the gradient on the probabilities, -dloss * labels / (p N), is sent into "
      "the second layer as if it were the gradient on the logits: the softmax's Jacobian is skipped, "
      "so every gradient is wrong.",
      [r"(skip\w*|forg[eo]t\w*|miss\w*|without|ignor\w*|omit\w*|bypass\w*) (the )?softmax",
       r"softmax'?s? (jacobian|derivative|backward).{0,40}(missing|skipped|not applied|forgotten)",
       r"(probabilit\w*|probs)'? gradient (is )?(used )?(as|instead of|in place of|where) (the )?(logits|dlogits)",
       r"-\s*labels ?/ ?\(?\s*p", r"(with respect to|wrt|on) (the )?probabilit\w* (instead of|rather than|not) (on )?(the )?logits"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          dprobs = -dloss * labels / (probs * N)
          dh, dW2, db2 = affine_backward(dprobs, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (14)
    E("ls14_step_f_block_uses_di", "lstm", "lstm_step_backward",
      "Copy-paste in assembling da: the forget gate's block is di * f(1 - f), with the input gate's "
      "gradient di = dc * g, instead of df * f(1 - f) with df = dc * prev_c.",
      [r"\bdi\b (instead of|in place of|where|rather than) \bdf\b",
       r"forget (gate'?s? )?block.{0,60}(\bdi\b|input gate'?s? gradient|\bg\b|candidate)",
       r"(input gate'?s? gradient|\bdi\b).{0,30}(forget|\bf\b) (gate'?s? )?block", r"copy[- ]?paste",
       r"dc ?\* ?g (instead of|rather than|where) dc ?\* ?prev_c", r"(without|missing|not) (the factor )?prev_c"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), di * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_step_carry_through_tanh_derivative", "lstm", "lstm_step_backward",
      "A parenthesis slip, dc = (dnext_c + dnext_h * o) * (1 - tanh(next_c)**2), also multiplies the "
      "carried cell gradient dnext_c by tanh's derivative, instead of dc = dnext_c + dnext_h * o * "
      "(1 - tanh(next_c)**2).",
      [r"parenthes", r"dnext_c.{0,60}(multiplied|through|times|scaled).{0,40}(tanh|derivative|1 ?- ?tanh)",
       r"(carried|incoming) cell(-state)? gradient.{0,60}(tanh|derivative)", r"\(\s*dnext_c ?\+ ?dnext_h ?\* ?o\s*\)",
       r"tanh'?s? derivative.{0,60}(applied|multipl\w*).{0,30}(dnext_c|carry|both)",
       r"(should|must) (be )?added (after|outside)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = (dnext_c + dnext_h * o) * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_step_cell_tanh_as_sigmoid_derivative", "lstm", "lstm_step_backward",
      "The tanh's derivative on the cell path is written like a sigmoid's, tanh(c) * (1 - tanh(c)), "
      "instead of 1 - tanh(c)**2: the path from next_h into the cell state is wrong (and with it every "
      "block but the output gate's, and dprev_c).",
      [r"sigmoid", r"tanh_c ?\* ?\(1\.?0? ?- ?tanh_c\)|tanh\(\w+\) ?\* ?\(1 ?- ?tanh",
       r"(instead of|rather than|not) 1 ?- ?tanh\w*(\(\w+\))? ?\*\* ?2",
       r"wrong (nonlinearity|activation)'?s? derivative", r"\bt ?\(1 ?- ?t\)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * tanh_c * (1.0 - tanh_c)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_step_cell_path_missing_one_minus", "lstm", "lstm_step_backward",
      "The tanh's derivative on the cell path is written tanh(next_c)**2 instead of "
      "1 - tanh(next_c)**2 (the '1 -' is forgotten): the path from next_h into the cell state is wrong.",
      [r"(missing|forg[eo]t\w*|without|drop\w*|lacks?|left out|omit\w*) (the )?[\"'`]?1 ?-",
       r"tanh\w*(\(\w+\))? ?\*\* ?2 (instead of|rather than|where) 1 ?-",
       r"(instead of|rather than|not) 1 ?- ?tanh", r"tanh squared (instead|rather|where)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * tanh_c ** 2
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_step_o_local_drops_one_minus_o", "lstm", "lstm_step_backward",
      "The output gate's local gradient keeps only the factor o (its block is do * o instead of "
      "do * o * (1 - o)): the output gate's block of da, and so its columns of dWx, dWh, db and its "
      "share of dx and dprev_h, is 1/(1 - o) times the right one.",
      [r"(missing|forg[eo]t\w*|without|drop\w*|lacks?|left out|omit\w*) (the )?(factor )?\(?1 ?- ?o\)?",
       r"1 ?/ ?\(1 ?- ?o\) times", r"(only|just) (the factor )?o\b",
       r"output gate'?s? (local gradient|sigmoid derivative|derivative).{0,40}(incomplete|missing|only o)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o, dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_step_g_block_precedence", "lstm", "lstm_step_backward",
      "A precedence slip in the candidate's block, dg * 1.0 - g ** 2, reads as dg - g**2 instead of "
      "dg * (1 - g**2): the candidate's block of da (its columns of dWx, dWh, db and its share of dx "
      "and dprev_h) is wrong.",
      [r"precedence", r"parenthes", r"\bdg ?- ?g ?\*\* ?2", r"(subtract\w*|minus) g ?\*\* ?2.{0,30}(instead of|rather than)",
       r"\bdg ?\* ?1(\.0)? ?- ?g"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * 1.0 - g ** 2], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls14_seq_loop_one_step_too_far", "lstm", "lstm_backward",
      "The loop is range(T - 1, -2, -1), one step too far: after step 0 it runs t = -1, backpropagating "
      "the last step again with cache[-1] and dh[:, -1], so dx's last time step is overwritten, the "
      "weights get the last step's terms twice and dh0 is what that extra pass sends back.",
      OFF_BY_ONE + [r"range\(T ?- ?1, ?-2", r"\bt ?= ?-1", r"one (step|iteration) too (far|many)",
                    r"(last step|step T ?- ?1).{0,60}(twice|again|second time|extra)",
                    r"extra (step|iteration|pass)", r"negative index"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T - 1, -2, -1):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls14_seq_cell_carry_guard_off_by_one", "lstm", "lstm_backward",
      "A guard meant to give the last step no cell carry is written t < T - 2, so step T - 2 is given "
      "zeros as dnext_c too: the cell gradient from the last step never reaches the earlier steps "
      "(their dx, weight terms and dh0 are wrong); the last step is right.",
      OFF_BY_ONE + [r"T ?- ?2", r"(guard|condition|test).{0,40}(off by one|wrong|T ?- ?2)",
                    r"cell(-state)? (carry|gradient).{0,60}(lost|dropped|zero\w*|never reaches|not passed|cut)",
                    r"step T ?- ?2.{0,40}(zero|no cell|without)", r"dnext_c.{0,40}(zeros?|reset)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dnext_c = dprev_c if t < T - 2 else np.zeros((N, H))
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dnext_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls14_seq_loop_skips_step0", "lstm", "lstm_backward",
      "The loop is range(T - 1, 0, -1), so step 0 is never backpropagated: dx[:, 0] stays zero, step "
      "0's weight terms are missing, and dh0 is the gradient on h[:, 0] instead of on h0.",
      OFF_BY_ONE + [r"(step|time step) 0\b.{0,40}(never|skipped|missing|not (backpropagated|processed|visited))",
                    r"range\(T ?- ?1, ?0", r"(first|earliest) (time )?step.{0,40}(never|skipped|missing|not)",
                    r"dx\[:, ?0\].{0,30}(zero|\b0\b)", r"stops? (one step )?(early|before (step )?0|at (t ?= ?)?1)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T - 1, 0, -1):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls14_seq_cell_carry_starts_from_last_c", "lstm", "lstm_backward",
      "The cell-state carry is started as the last cell state next_c (a state used where its gradient "
      "belongs) instead of zeros, so the last step receives c as an extra dnext_c: every output is "
      "wrong.",
      FROM_ZEROS + [r"next_c|cell state (itself|value)",
                    r"(state|value) (is )?(used )?(where|instead of|in place of|as) (its |a |the )?gradient",
                    r"(cell(-state)? )?carry.{0,40}(start\w*|initiali[sz]\w*).{0,40}(state|next_c|\bc\b)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h = np.zeros((N, H))
          dprev_c = cache[-1][9].copy()
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls14_seq_return_inside_loop", "lstm", "lstm_backward",
      "The return statement is indented into the loop, so the function returns after the first "
      "iteration (the last time step): dx is zero for every earlier step, the weights hold only the "
      "last step's terms and dh0 is the gradient on h[:, T-2].",
      [r"return.{0,40}(inside|in|within) (the )?loop", r"indent", r"(only|just) (the )?(last|final) (time )?step",
       r"(first|one|single) iteration", r"(returns?|stops?|exits?) (early|too early|after one)",
       r"(earlier|other) (time )?steps.{0,40}(never|not|zero)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              return dx, dprev_h, dWx, dWh, db
      """),
    E("ls14_huber_target_minus_prediction", "lstm", "huber_backward",
      "The error is taken as target - prediction (the sign convention of the DQN story), so the "
      "result is negated: -dloss * clip(r, -delta, delta) / r.size instead of +dloss * ... .",
      NEGATED + [r"target ?- ?prediction", r"sign convention", r"minus sign"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return -dloss * np.clip(r, -delta, delta) / r.size
      """),
    E("ls14_huber_ndim_for_size", "lstm", "huber_backward",
      "The mean divides by r.ndim (the number of axes) instead of r.size (the number of entries): "
      "every value is r.size / r.ndim times the right one.",
      [r"ndim", r"number of (axes|dimensions)", r"(instead of|rather than|not) (by )?r\.size",
       r"(not|isn'?t|never) divided by (the number of )?(entries|elements|r\.size)",
       r"(size|number of entries) ?/ ?(ndim|number of (axes|dimensions))"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -delta, delta) / r.ndim
      """),
    E("ls14_huber_lower_mask_missing_minus", "lstm", "huber_backward",
      "The negative side's mask is written r < delta instead of r < -delta, so -delta is also added "
      "inside the quadratic region: there the gradient is r - delta instead of r; outside it is right.",
      [r"r ?< ?delta", r"(missing|forg[eo]t\w*|without|drop\w*) (the )?minus",
       r"-\s*delta.{0,40}(inside|quadratic|also)",
       r"(inside|quadratic (region|part)).{0,60}(r ?- ?delta|shifted|offset|minus delta)",
       r"-\s*delta (instead of|rather than|where)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.where(np.abs(r) <= delta, r, 0.0)
          dr = dr + delta * (r > delta) - delta * (r < delta)
          return dloss * dr / r.size
      """),
]
