"""A thirteenth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 by helper blind13, which did not read the checks, the explainer, the
detectors, their tests, the docs about feedback wording, the README's sections on feedback,
the grader's messages, any grader output, git log messages or diffs, or docs/MEASUREMENTS.md.
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

    python bench/feedback_catalogue.py bench/catalogue_heldout13.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is meant to be a slip none of the earlier held-out catalogues has. This round
mixes kinds: aliasing and in-place slips whose effect shows in the outputs (dx = dout then
dx *= y; neg = a then zeroing; dW = W then filling; dnext_h *= o; the cached a overwritten in
the wrong order of two masked assignments), a loop variable that shadows the LSTM's input gate,
dedented and over-indented lines in loops, a floor division, an integer buffer, a [::-1] on the
wrong axis, a modulus |a| + |b|, a ratio written upside down, np.dot where an elementwise
product belongs, a mask from astype(bool), and habits carried over from other notebooks (a
ReLU mask on the LSTM's hidden carry, a bias folded in and added again, averaging at a fork).
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
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the|their)? ?(input|argument|cache)",
          r"overwr", r"new array", r"original values?", r"alias", r"same array"]
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"counted (twice|two)",
         r"doubl\w* (count|applied)", r"applied (two|2) times"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign", r"sign error"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?|becomes?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number|row) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]
LAST_ROW_ONLY = [r"only (the )?last (row|example)", r"(every|all) (other )?(rows?|examples?) (but|except) the last"]
REVERSED = [r"revers", r"mirror", r"backwards? in time", r"(time )?order of the (steps|caches)",
            r"T\s*-\s*1\s*-\s*t"]
FROM_ZEROS = [r"instead of (from )?zeros", r"(not|rather than) (from )?zeros", r"(start\w*|initiali[sz]\w*) (from|with|at|as) "
              r"(a copy of )?(the )?(input|weights?|x\b|Wh\b)"]


CATALOGUE = [
    # ======================================================================== staged (8)
    E("st13_dsigy_invden_twice", "staged", "staged_backward",
      "The gradient arriving at sigmoid(y) is taken as dnum * invden, multiplying by the reciprocal "
      "1/den a second time although dnum = invden * df already holds it: dy's path through the "
      "numerator is 1/den times the right one; dx is right.",
      TWICE + [r"(invden|1 ?/ ?den|reciprocal|inverse of the denominator).{0,50}(twice|again|second time|extra|too many)",
               r"(extra|additional|one more) factor (of )?(the )?(1 ?/ ?den\w*|invden|reciprocal|inverse)",
               r"divided by (the )?den\w* (twice|again|a second time)",
               r"dsigy ?= ?dnum ?\* ?invden", r"1 ?/ ?den times (the right|too)"],
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
          dsigy = dnum * invden
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st13_df_mean", "staged", "staged_backward",
      "The upstream gradient df is replaced by its mean (one number) before the stages, so every "
      "entry's gradient is mean(df) times the local derivative instead of its own df entry times it.",
      [r"mean of (the )?(upstream|df|incoming)", r"(averag|mean)\w*.{0,30}(df|upstream gradient)",
       r"(df|upstream gradient).{0,50}(averaged|its mean|one number|single (number|value)|a scalar|collapsed)",
       r"same (upstream )?(value|number|df) (for|in|at) (every|each|all) (entr|element|position)",
       r"instead of (its|each entry'?s|the entry'?s) (own )?(df|upstream)", r"np\.mean\(df\)|df\.mean"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          g = np.mean(df)                      # the upstream gradient
          dnum = invden * g
          dinvden = num * g
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = dxpy + sigx * (1.0 - sigx) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st13_dxpysqr_negated", "staged", "staged_backward",
      "In the sum den = sigmoid(x) + (x + y)**2 the square's share is taken as -dden (as for a "
      "difference) instead of dden: the paths through (x + y)**2 have the opposite sign in dx and "
      "dy; the other paths are right.",
      NEGATED + [r"(square|xpysqr|\(x ?\+ ?y\) ?(\*\*|\^) ?2|\(x ?\+ ?y\)²).{0,60}(sign|negat|minus|subtract)",
                 r"(sign|minus|negat\w*).{0,60}(square|xpysqr|\(x ?\+ ?y\) ?(\*\*|\^) ?2)",
                 r"as if .{0,40}(difference|subtract\w*|minus)", r"dxpysqr ?= ?-"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = 1.0 * dden
          dxpysqr = -1.0 * dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st13_sigx_local_drops_sigx", "staged", "staged_backward",
      "The local gradient of sigmoid(x) is taken as 1 - sigx, dropping the factor sigx of "
      "sigx * (1 - sigx): x's path through sigmoid(x) in the denominator is 1/sigmoid(x) times "
      "the right one; dy is right.",
      [r"(missing|drop\w*|forgot\w*|without|omit\w*|lacks?|leaves out|left out|los\w+) (the )?(factor )?sig(x|moid\(x\)|ma\(x\))\b",
       r"(factor|term) (of )?sig(x|moid\(x\)).{0,30}(missing|dropped|forgotten|left out|omitted)",
       r"\(?1 ?- ?sig(x|moid\(x\)|ma\(x\))\)? (alone|only|instead of)", r"only (the )?\(?1 ?- ?sig",
       r"1 ?/ ?sig(x|moid\(x\)|ma\(x\)) times"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += (1.0 - sigx) * dsigx
          dx += dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st13_add_routes_like_max", "staged", "add_backward",
      "The add gate is differentiated like a max gate: dout goes only to the larger input and the "
      "other input gets 0, instead of dout to both inputs.",
      [r"like (a |the )?max", r"max gate", r"(larger|bigger|winning|greater) input",
       r"rout(es|ed|ing) .{0,30}(only|to one|larger|winner)", r"only (one|the larger|the winner|the bigger)",
       r"(both|each|every) inputs? (should |must )?(receives?|gets?) (all of |the whole |the full |the entire )?(dout|(the )?upstream)",
       r"(smaller|losing|loser|other) input.{0,40}(0\b|zero|nothing)"],
      """
      def add_backward(dout, x, y):
          x_bigger = x > y
          dx = np.where(x_bigger, dout, 0.0)
          dy = np.where(x_bigger, 0.0, dout)
          return dx, dy
      """),
    E("st13_mul_alias_dout", "staged", "mul_backward",
      "dx = dout names the same array, so dx *= y multiplies the caller's dout in place; dy is then "
      "computed from the changed dout and is dout * y * x, an extra factor y (dx has the right "
      "values but is the caller's dout array).",
      MUTATE + [r"extra factor (of )?y\b", r"(times|multiplied by) y (again|twice|as well|too)",
                r"dy.{0,40}\by\b.{0,20}(too|extra|also|again)", r"dout ?\* ?y ?\* ?x|dout ?\* ?x ?\* ?y|x ?\* ?y ?\* ?dout"],
      """
      def mul_backward(dout, x, y):
          dx = dout
          dx *= y
          dy = dout * x
          return dx, dy
      """),
    E("st13_max_sign_mask", "staged", "max_backward",
      "The routing mask is np.sign(x - y), which is -1 (not 0) where an input lost: the winner gets "
      "dout but the loser gets -dout instead of 0.",
      [r"los(er|ing|t)\b.{0,60}(-\s*dout|minus dout|negative|negated|opposite sign|-1\b)",
       r"-\s*dout.{0,40}(instead of|not|rather than|where) (0|zero)", r"np\.sign|sign\(x ?- ?y\)",
       r"-1 (instead of|rather than|where|not) 0", r"(loser|losing input|input that lost).{0,40}should (get|receive|be) (0|zero|nothing)",
       r"negat(ed|ive of) (the )?(dout|upstream)"],
      """
      def max_backward(dout, x, y):
          s = np.sign(x - y)
          dx = dout * s
          dy = dout * -s
          return dx, dy
      """),
    E("st13_num_denominator_hardcoded", "staged", "numerical_gradient",
      "The difference is divided by the constant 2e-5 instead of 2h, so it is right only for the "
      "default step h = 1e-5; for another h every value is h / 1e-5 times the right one.",
      [r"(ignor|disregard)\w* (the )?(step|h\b|argument h|h argument|given h)", r"(hard[- ]?coded|fixed|constant) (step|denominator|2e-5|value)",
       r"2e-5|2 ?\* ?1e-5", r"(only|right) (for|with|when) (the )?default (step|h\b)",
       r"(other|different|another|non-default) (step|h\b|step size).{0,60}(wrong|fail|scaled|off|too)",
       r"h ?/ ?1e-5", r"(denominator|divis\w+|divid\w*).{0,40}(not|doesn'?t|does not|never).{0,20}(use|depend on|scale with|follow) (h\b|the step)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h
              f_plus = f(x)
              x[i] = old - h
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / 2e-5
          return grad
      """),

    # ======================================================================== sigmoid (7)
    E("sg13_dW_sigmoid_of_x", "sigmoid", "sigmoid_layer_backward",
      "dW pairs each unit's gradient with sigmoid(x) instead of the input x itself, as if the input "
      "had come out of a sigmoid layer: dW = outer(da, sigmoid(x)); dx is right.",
      [r"sigmoid\(x\)|sigmoid of (the )?(input|x)\b", r"(input|x) (was |is )?(passed|put|run|squashed|sent) through (a |the )?sigmoid",
       r"(applies|applied|applying) (a |the )?sigmoid to (the )?(input|x)\b",
       r"dW.{0,60}(not|instead of) (the )?(raw |plain )?(input|x)\b",
       r"as if (the )?(input|x) (came|had come|were|was) .{0,30}sigmoid"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, sigmoid(x))
          return dx, dW
      """),
    E("sg13_dx_starts_from_x", "sigmoid", "sigmoid_layer_backward",
      "dx is started as the input x itself (dx = x, neither zeros nor a copy), so the loop's "
      "dx += W[i] * da[i] adds every unit's term onto x and changes the cached input in place: dx "
      "is x plus the right one; dW is right.",
      MUTATE + FROM_ZEROS + [r"(plus|\+) (the )?(input )?x\b", r"\bx (is )?added", r"adds? (the )?(input )?x\b",
                             r"extra (term )?x\b", r"off by (the )?(input )?x\b"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          da = dz * z * (1.0 - z)
          dW = np.outer(da, x)
          dx = x
          for i in range(H):
              dx += W[i] * da[i]
          return dx, dW
      """),
    E("sg13_local_dot", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is np.dot(z, 1 - z), one number (the sum over the units of z(1 - z)) used "
      "for every unit, instead of each unit's own z(1 - z).",
      [r"\bdot\b", r"(one|a single) (number|value|scalar|factor)", r"sum(med)? over (all )?(the )?units",
       r"sum of (the )?(local gradients|z ?\(1 ?- ?z\)|z\*\(1-z\))",
       r"(same|shared) (local gradient|factor|slope|value) for (every|each|all)",
       r"instead of (the )?(elementwise|element-wise|per[- ]unit)", r"(not|rather than|instead of) (each|every) unit'?s own"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = np.dot(z, 1.0 - z)
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg13_local_one_plus_z", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's local gradient is written z * (1 + z) instead of z * (1 - z) (a sign typo): "
      "each unit's da, and so dx and dW, is (1 + z)/(1 - z) times the right one.",
      [r"1 ?\+ ?z", r"(plus|\+) (sign )?(instead of|where|for) (a )?(minus|-)",
       r"sign (typo|slip|error) in (the )?(local|derivative|1 ?- ?z)", r"\(1 ?\+ ?z\) ?/ ?\(1 ?- ?z\)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 + z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg13_sat_mean_output_per_unit", "sigmoid", "saturated_fraction",
      "Each unit's output is averaged over the examples before the local gradient is taken: it "
      "returns the fraction of units whose mean output zbar has zbar(1 - zbar) < tol, instead of "
      "the fraction of the N*H (example, unit) pairs whose own z(1 - z) is below tol.",
      [r"(mean|average)\w* (output|z\b|activation)", r"(averag\w*|mean) over (the )?(examples|batch|rows|inputs)",
       r"fraction of (the )?units", r"(instead of|not) (the fraction of )?(the |all )?(N ?\* ?H|\(example, ?unit\)|example-unit|pairs)",
       r"z\.mean|Z\.mean|zbar"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          z_mean = Z.mean(axis=0)
          local = z_mean * (1.0 - z_mean)
          return float(np.mean(local < tol))
      """),
    E("sg13_sat_loop_from_one", "sigmoid", "saturated_fraction",
      "The loop over the examples starts at 1, so example 0's saturated pairs are never counted "
      "while the count is still divided by N * H.",
      [r"range\(1", r"(starts?|begins?) at (1|one|index 1)", r"(first|0th) (example|row|input).{0,40}(skipp|miss|never|not counted|left out|ignored)",
       r"(skips?|misses|ignores|leaves out|omits) (the )?(first|0th) (example|row|input)", r"example 0", r"off[- ]by[- ]one.{0,40}(example|loop|row)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          N, H = X.shape[0], W.shape[0]
          count = 0
          for n in range(1, N):
              z = sigmoid(W @ X[n])
              count += np.sum(z * (1.0 - z) < tol)
          return float(count / (N * H))
      """),
    E("sg13_sat_rows_normalised", "sigmoid", "saturated_fraction",
      "Each input row is scaled to unit length before the layer (a preprocessing habit), so the "
      "pre-activations are X[n] @ W[i] / |X[n]| instead of X[n] @ W[i] and the wrong pairs (mostly "
      "fewer) count as saturated.",
      [r"normali[sz]", r"unit (length|norm)", r"(divid|scal)\w* (each |the )?(input|row|example|X)\w* by (its|their) (norm|length)",
       r"rescal\w* (the )?(input|X|rows)", r"preprocess\w*.{0,40}(input|X\b|rows?)", r"/ ?\|X\[n\]\||norm of (the |each )?(row|input|example)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
          Z = sigmoid(Xn @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),

    # ======================================================================== relu (7)
    E("rl13_mask_inverted", "relu", "relu_backward",
      "np.where's two branches are in the wrong order: the gradient passes where a <= 0 and is "
      "blocked where a > 0, the complement of the right mask.",
      [r"invert", r"revers", r"(complement|opposite|other side) (of the )?(mask|side|entries)?",
       r"(pass\w*|lets?|flows?|gets? dout) .{0,30}where (a|the input) (is )?(<= ?0|≤ ?0|negative|non-?positive|not positive)",
       r"block\w* .{0,30}where (a|the input) (is )?(> ?0|positive)",
       r"(branches|arguments) .{0,20}(swapped|wrong order|exchanged)",
       r"(inactive|negative) (side|entries|inputs) .{0,30}(get|receive|pass)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, 0.0, dout)
          return da
      """),
    E("rl13_sigmoid_slope", "relu", "relu_backward",
      "The ReLU's local gradient is taken as sigmoid(a) (the derivative of the softplus, a smooth "
      "ReLU) instead of the 0/1 indicator of a > 0.",
      [r"sigmoid", r"softplus", r"smooth", r"1 ?/ ?\(1 ?\+ ?(np\.)?exp",
       r"(instead of|not) (the |a )?(0/1|0 or 1|binary|indicator|step)"],
      """
      def relu_backward(dout, cache):
          a = cache
          local = 1.0 / (1.0 + np.exp(-a))
          return dout * local
      """),
    E("rl13_leaky_mask_overwrite_order", "relu", "leaky_relu_backward",
      "local = a is the cached input itself, and the entries <= 0 are set to the slope before the "
      "entries > 0 are set to 1: the slope is positive, so the second assignment overwrites them "
      "with 1 as well; every entry passes dout unchanged (slope * dout is lost on the negative "
      "side) and the cache's a is overwritten in place.",
      MUTATE + [r"(negative|<= ?0|non-?positive) (side|entries|inputs?).{0,60}(dout unchanged|whole dout|full dout|1\b|one\b|slope (is )?(lost|missing|ignored|forgotten))",
                r"slope.{0,40}(lost|missing|ignored|forgotten|overwritten|never applied|not applied)",
                r"(order|sequence) of (the )?(two )?(assignments|masks|lines|updates)",
                r"(passes|returns) dout (unchanged )?(everywhere|for every|on both)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          local = a
          local[local <= 0] = slope
          local[local > 0] = 1.0
          return dout * local
      """),
    E("rl13_prelu_cache_zeroed_inplace", "relu", "prelu_backward",
      "neg = a is the cached input itself, so zeroing its positive entries for dalpha changes a in "
      "place; da is computed afterwards from the changed a, which is nowhere positive: every entry "
      "gets alpha * dout, also where the input was positive. dalpha is right.",
      MUTATE + [r"(positive|> ?0) (side|entries|inputs?).{0,60}alpha", r"alpha ?\* ?dout (everywhere|for every|on both|at every|in every)",
                r"(every|all) entr\w+ .{0,30}alpha",
                r"(positive|> ?0) (side|entries|inputs?).{0,40}(should|must) (get|receive|pass) (the )?(whole )?(dout|upstream)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          neg = a
          neg[neg > 0] = 0.0
          dalpha = np.sum(neg * dout, axis=0)
          da = np.where(a > 0, dout, alpha * dout)
          return da, dalpha
      """),
    E("rl13_prelu_dalpha_where_one", "relu", "prelu_backward",
      "dalpha copies da's pattern np.where(negative, ..., 1.0): on the positive side each entry "
      "contributes dout * 1 instead of 0, so each unit's dalpha is the right one plus the sum of "
      "dout over its entries with a > 0; da is right.",
      [r"(positive|> ?0) (side|entries|inputs?).{0,60}(contribut|counted|includ|added|1\b|one\b)",
       r"(plus|\+|adds?) (the )?(sum|column sums?) of dout", r"(1|one|1\.0) (instead of|where|rather than) (0|zero)",
       r"(entries|inputs|side) where a ?> ?0.{0,40}(dalpha|should not|must not)",
       r"dalpha.{0,60}(positive|> ?0) (side|entries)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha, 1.0) * dout
          dalpha = np.sum(np.where(negative, a, 1.0) * dout, axis=0)
          return da, dalpha
      """),
    E("rl13_dead_bias_twice", "relu", "dead_neuron_fraction",
      "The bias is folded into the weights as a column (with a column of ones in X) and then added "
      "again: the pre-activation is X @ W.T + 2b, so units are judged with twice their bias.",
      TWICE + [r"2 ?\*? ?b\b|\b2b\b", r"bias.{0,40}(twice|again|doubl|two times)", r"(doubl\w*|twice).{0,30}bias",
               r"(column of ones|folded).{0,80}(again|also|as well|\+ ?b)"],
      """
      def dead_neuron_fraction(W, b, X):
          X1 = np.hstack([X, np.ones((X.shape[0], 1))])
          W1 = np.hstack([W, b[:, None]])
          pre = X1 @ W1.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(np.mean(dead))
      """),
    E("rl13_dead_from_zero_input", "relu", "dead_neuron_fraction",
      "A unit is called dead when its pre-activation at the zero input (its bias alone) is <= 0, "
      "instead of when X @ W.T + b is <= 0 for every example in X: the data are never used.",
      [r"bias alone", r"(only|just) (the |its )?bias", r"(zero|0) input", r"b ?<= ?0",
       r"(ignores|never uses|does not use|without|not using) (the )?(data|X\b|inputs|examples)",
       r"(independent of|does not depend on) (the )?(data|X\b|inputs|examples)"],
      """
      def dead_neuron_fraction(W, b, X):
          # a unit is dead when it cannot fire without help from the input
          pre0 = np.zeros(X.shape[1]) @ W.T + b
          return float(np.mean(pre0 <= 0))
      """),

    # ======================================================================== rnn (10)
    E("rn13_relu_mask_index_k", "rnn", "relu_rnn_backward",
      "Looping k = 0..T-1 with t = T-1-k, the ReLU mask is read from hs[k] instead of hs[t]: step "
      "t's gradient is masked by the state of step T-1-t (the masks are reversed in time); only "
      "the middle step of an odd T gets its own mask.",
      REVERSED + [r"hs\[k\]", r"mask.{0,60}(wrong|other|different|another|mirror\w*|opposite) (time )?step",
                  r"(wrong|another|other) step'?s? (mask|state)", r"loop (counter|index|variable) k\b"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for k in range(T):
              t = T - 1 - k
              delta = (dhs[t] + carry) * (hs[k] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn13_relu_delta_times_state", "rnn", "relu_rnn_backward",
      "The ReLU's backward multiplies by the state hs[t] itself (the ReLU's output) instead of by "
      "the 0/1 indicator hs[t] > 0, so each active unit's gradient is scaled by its value.",
      [r"(output|state|value|hs\[t\]) (itself|instead of)", r"(instead of|not) (the |a )?(0/1|0 or 1|binary|indicator|mask|hs\[t\] ?> ?0)",
       r"(scaled|multiplied|weighted) by (the |its )?(state|value|output|activation)",
       r"times (the )?(state|output|activation|hs\[t\])\b"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * hs[t]
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn13_step_local_sign", "rnn", "rnn_step_backward",
      "The tanh's local gradient is written next_h**2 - 1 instead of 1 - next_h**2: every output "
      "has the opposite sign.",
      NEGATED + [r"h\s*\*\*\s*2 ?- ?1|h\^?2 ?- ?1|h² ?- ?1", r"(sign|order) (of|in) (the )?(local|tanh'?s?|derivative)",
                 r"(local gradient|derivative).{0,30}(wrong way round|reversed|backwards)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (next_h ** 2 - 1.0)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn13_step_preact_without_b", "rnn", "rnn_step_backward",
      "The tanh's local gradient is recomputed from the pre-activation x @ Wx + prev_h @ Wh without "
      "the bias b (which is not in the cache) instead of taken from the cached next_h as "
      "1 - next_h**2: it is evaluated at the wrong point wherever b is nonzero.",
      [r"(without|missing|forgot\w*|left out|leaves? out|drops?|omit\w*|excluding) (the )?bias",
       r"bias (b )?(is )?(missing|left out|forgotten|omitted|not included|dropped)", r"without b\b",
       r"(recomput\w+|re-comput\w+).{0,60}(pre-?activation|tanh)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          a = x @ Wx + prev_h @ Wh
          da = dnext_h * (1.0 - np.tanh(a) ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn13_seq_dWh_skips_step0", "rnn", "rnn_backward",
      "dWh leaves out step 0's term (its previous state is h0, judged not to be part of the "
      "recurrence): dWh misses h0.T @ da of step 0; dx, dh0, dWx and db are right.",
      [r"(step|time step|t ?=) ?0'?s? (term|contribution)", r"(first|0th|initial) (time )?step'?s? (term|contribution)",
       r"h0\.T ?@", r"(misses|missing|skips?|leaves out|omits|drops?) (the )?(first|0th|initial) (time )?step",
       r"t ?> ?0", r"(term|contribution) (from|of|with) h0", r"dWh.{0,60}(step 0|first step|h0)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              if t > 0:          # step 0's previous state is h0, not one of our hidden states
                  dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn13_seq_carry_tanh_again", "rnn", "rnn_backward",
      "The carried gradient is multiplied by the earlier step's tanh derivative 1 - h[:, t-1]**2 "
      "before it is passed on, although rnn_step_backward of that step applies it again: the part "
      "carried back from later steps goes through each tanh derivative twice.",
      TWICE + [r"(tanh'?s? )?(derivative|local gradient|1 ?- ?h\s*\*\*\s*2).{0,60}(twice|again|second time|two times|double)",
               r"(squared|\*\*\s*2) (tanh )?(derivative|local)", r"carr\w+.{0,60}(extra|additional) (factor|tanh)",
               r"(extra|additional) (factor )?\(?1 ?- ?h"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
              if t > 0:
                  h_before = cache[t][1]                   # h[:, t-1]
                  dprev = dprev * (1.0 - h_before ** 2)    # back through that step's tanh
          return dx, dprev, dWx, dWh, db
      """),
    E("rn13_clipnorm_floor_division", "rnn", "clip_grad_norm",
      "The factor is computed with floor division, max_norm // total_norm, which is 0 whenever "
      "clipping is needed: every clipped array becomes all zeros instead of being scaled by "
      "max_norm / total_norm.",
      ZEROS + [r"floor", r"//", r"integer division", r"round\w* (down|to 0|to zero)",
               r"(factor|scale) (is |of |becomes )?(0\b|zero)", r"(zeroed|wiped out|set to zero)"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          if total_norm > max_norm:
              scale = max_norm // total_norm
          else:
              scale = 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn13_clipnorm_max_array_norm", "rnn", "clip_grad_norm",
      "total_norm is the largest of the arrays' own L2 norms instead of the global norm (the square "
      "root of the sum of the squares of all entries of all arrays): the returned norm is too small "
      "and the arrays are scaled too little, or not at all.",
      [r"(largest|biggest|max\w*) (of the )?(arrays?'? ?|per-array |individual |single )?(own )?(L2 )?norms?",
       r"max over (the )?arrays", r"norm of (only )?(the )?(largest|biggest) array",
       r"(instead of|not|rather than) (the )?(global|combined|overall|joint) (L2 )?norm", r"one array'?s? norm"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(max(np.sqrt(np.sum(g ** 2)) for g in grads.values()))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn13_clipvalue_half_range", "rnn", "clip_grad_value",
      "clip_value is read as the width of the allowed range, so entries are clipped to "
      "[-clip_value/2, clip_value/2] instead of [-clip_value, clip_value].",
      HALF + [r"clip_value ?/ ?2", r"\bwidth\b", r"(range|interval|bounds?).{0,30}(too )?(narrow|small|tight)",
              r"(clipped|cut) (too )?(early|soon|tightly|hard)"],
      """
      def clip_grad_value(grads, clip_value):
          half = clip_value / 2.0
          return {name: np.clip(g, -half, half) for name, g in grads.items()}
      """),
    E("rn13_spectral_l1_modulus", "rnn", "spectral_radius",
      "The modulus of a complex eigenvalue a + bi is taken as |a| + |b| instead of "
      "sqrt(a**2 + b**2), so when the largest eigenvalues are complex the answer is too large.",
      [r"\|a\| ?\+ ?\|b\|", r"abs\w*.{0,20}real.{0,30}\+.{0,30}imag", r"(sum|add\w*) (of )?(the )?(absolute )?(real and imaginary|imaginary and real)",
       r"(modulus|absolute value|magnitude).{0,40}(wrong|not|instead|incorrect)",
       r"sqrt\(a\s*\*\*\s*2 ?\+ ?b\s*\*\*\s*2\)", r"\bL1\b|manhattan|taxicab"],
      """
      def spectral_radius(W):
          ev = np.linalg.eigvals(W)
          return float(np.max(np.abs(ev.real) + np.abs(ev.imag)))
      """),

    # ======================================================================== softmax (15)
    E("sm13_aff_db_inside_inner_loop", "softmax", "affine_backward",
      "In a triple loop the line db[m] += dout[n, m] sits inside the innermost loop over the D "
      "inputs, so each term is added D times: db is D times the right one; dx and dW are right.",
      [r"\bD times", r"(times|factor of|multiplied by) (D\b|the number of inputs)", r"(inner|innermost) loop.{0,60}\bdb\b|\bdb\b.{0,60}(inner|innermost) loop",
       r"(added|counted|summed) (D times|once per input|for every input|for each input)", r"indent\w*.{0,60}\bdb\b|\bdb\b.{0,60}indent"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N, D = x.shape
          M = W.shape[1]
          dx = np.zeros((N, D))
          dW = np.zeros((D, M))
          db = np.zeros(M)
          for n in range(N):
              for m in range(M):
                  for d in range(D):
                      dx[n, d] += W[d, m] * dout[n, m]
                      dW[d, m] += x[n, d] * dout[n, m]
                      db[m] += dout[n, m]
          return dx, dW, db
      """),
    E("sm13_aff_dW_from_dx", "softmax", "affine_backward",
      "A one-letter typo builds dW from the input's gradient dx instead of the input x: "
      "dW = dx.T @ dout instead of x.T @ dout; dx and db are right.",
      [r"dx\.T ?@", r"(uses?|from|built from|with) (the )?(gradient )?dx (instead of|where|rather than|in place of) (the input )?x\b",
       r"(input'?s? )?gradient (dx )?(is )?(used )?(instead of|where|in place of) (the )?(input|x)\b",
       r"(gradient|dx) in place of (the )?(input|x)\b"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = dx.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm13_aff_dW_aliases_W", "softmax", "affine_backward",
      "dW = W names the cached weights, so filling dW overwrites W in place; dx, computed "
      "afterwards, uses the overwritten weights: dx = dout @ dW.T instead of dout @ W.T. dW and db "
      "are right.",
      MUTATE + [r"dout ?@ ?dW\.T", r"(weights?|W\b) (were |was |is |are |got )?(overwritten|replaced|destroyed|clobbered)",
                r"dx.{0,60}(gradient|dW) (instead of|in place of|where) (the )?(weights|W\b)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dW = W
          dW[...] = x.T @ dout
          dx = dout @ W.T
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm13_aff_dx_bias_removed", "softmax", "affine_backward",
      "dx subtracts the bias from the upstream gradient before sending it back, (dout - b) @ W.T, "
      "as if the bias had to be undone: every row of dx is off by -b @ W.T; dW and db are right.",
      [r"(subtract\w*|minus|remov\w*|undo\w*|undoes) (the )?bias", r"dout ?- ?b\b", r"b ?@ ?W\.T",
       r"bias.{0,40}(should not|does not|doesn'?t|must not) (enter|affect|appear|matter)",
       r"off by .{0,20}(bias|b ?@ ?W)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = (dout - b) @ W.T       # undo the bias first
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm13_sce_labels_outside_scaling", "softmax", "softmax_cross_entropy_backward",
      "Missing parentheses: dlogits = dloss * probs * row_sums / N - labels, so the labels' term is "
      "subtracted whole, without the factor dloss / N; dlabels is right.",
      [r"labels?'? ?term.{0,60}(not|never|without|missing|isn'?t|forgot\w*).{0,30}(scaled|divided|dloss|1 ?/ ?N|/ ?N)",
       r"(parenthes|bracket|precedence).{0,80}labels|labels.{0,80}(parenthes|bracket|precedence)", r"(dloss ?/ ?N|1 ?/ ?N|dloss).{0,40}only (to|on|multiplies|scales) (the )?prob",
       r"(whole|full|entire|unscaled) labels", r"labels.{0,30}(not|never) (divided by N|scaled)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * probs * row_sums / N - labels
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_sce_rowsum_as_norm", "softmax", "softmax_cross_entropy_backward",
      "The labels' row sums are computed as each row's L2 norm (np.linalg.norm) instead of its sum, "
      "so the probabilities' term is wrong whenever a row is not one-hot; dlabels is right.",
      [r"\bnorm\b", r"\bL2\b|euclid", r"sqrt.{0,30}(squares|\*\*\s*2)", r"(row ?sums?|sum of (each|the) row).{0,60}(wrong|not|instead)",
       r"(instead of|not|rather than) (the |its |each row'?s )?(row )?sums?\b", r"length of (the|each) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = np.linalg.norm(labels, axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_sce_scale_last_row_only", "softmax", "softmax_cross_entropy_backward",
      "The scaling line dlogits[n] *= dloss / N is dedented out of the loop over the rows, so only "
      "the last row is multiplied by dloss / N; every other row is N / dloss times too large.",
      LAST_ROW_ONLY + [r"(dedent|indent|outside the loop|after the loop).{0,80}(scal|dloss|/ ?N|rows?)|(scal\w*|dloss ?/ ?N).{0,80}(dedent|indent|outside the loop|after the loop)", r"N ?/ ?dloss",
                       r"(rows?|examples?).{0,40}(not|never) (scaled|divided|multiplied)",
                       r"(dloss ?/ ?N|1 ?/ ?N|scal\w+).{0,40}(only|just) (to |on )?(the )?last"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          dlogits = np.zeros((N, C))
          for n in range(N):
              dlogits[n] = probs[n] * labels[n].sum() - labels[n]
          dlogits[n] *= dloss / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_sce_plus_labels", "softmax", "softmax_cross_entropy_backward",
      "A sign slip: the labels' term is added instead of subtracted, "
      "dloss * (probs * row_sums + labels) / N; dlabels is right.",
      [r"labels?'? ?term.{0,40}(added|sign|plus|\+)", r"(added|adds) (the )?labels", r"\+ ?labels",
       r"(plus|\+) (instead of|where|for) (a )?(minus|-)", r"sign (slip|error|typo).{0,40}labels",
       r"labels.{0,30}(wrong|opposite) sign"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums + labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_sce_dlabels_no_dloss", "softmax", "softmax_cross_entropy_backward",
      "dlabels forgets the upstream gradient dloss: it is -log(p) / N whatever dloss is; dlogits "
      "is right.",
      [r"dlabels.{0,60}(dloss|upstream).{0,30}(missing|forgot|ignored|not|never|without|left out|omitted)",
       r"(missing|forgot\w*|ignor\w*|without|left out|drops?|omit\w*) (the )?(upstream gradient|dloss).{0,40}dlabels",
       r"dlabels.{0,40}(whatever|regardless of|independent of|does not depend on) (the )?dloss",
       r"as if dloss (were|was|is|=) ?1", r"whatever dloss is",
       r"dlabels (forgets|ignores|drops|misses|leaves out|lacks) (the )?(upstream( gradient)?|dloss|factor dloss)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_sce_batch_mean_broadcast", "softmax", "softmax_cross_entropy_backward",
      "The loss's mean over the rows is applied literally to the gradient: every row of dlogits is "
      "the batch mean of the rows' gradients p * rowsum - labels (the same row repeated), instead "
      "of each row's own gradient divided by N; dlabels is right.",
      CONSTANT + [r"(same|identical) (in|for) (every|each|all) rows?", r"(every|each) row (gets|holds|is|receives) (the )?(batch )?(mean|average)",
                  r"(mean|average)\w* (of the rows|over (the )?(batch|rows|examples))", r"(same row|one row) (repeated|tiled|broadcast)|(repeated|tiled|broadcast) (to|over|across|in) (every|all|each) rows?",
                  r"(instead of|not) (each|every) row'?s? own"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          grad_rows = probs * row_sums - labels
          dlogits = dloss * np.tile(grad_rows.mean(axis=0), (N, 1))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm13_mlp_mask_astype_bool", "softmax", "mlp_backward",
      "The ReLU's mask is relu_cache.astype(bool), which is True for every nonzero pre-activation, "
      "negative ones included: the hidden gradient passes everywhere (the ReLU is in effect skipped "
      "in the backward pass); W2 and b2 are right.",
      [r"astype\(bool\)|bool(ean)? cast|cast\w* to bool", r"non-?zero",
       r"(negative|inactive|<= ?0|non-?positive) (pre-?activations?|units?|entries|inputs?).{0,60}(pass|through|not blocked|let through|leak)",
       r"(relu|mask).{0,40}(skipped|ignored|has no effect|never blocks|blocks nothing|all ones|all true|always true)",
       r"(never|not) (blocked|zeroed)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          mask = relu_cache.astype(bool)
          da = dh * mask
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm13_mlp_mask_row_any", "softmax", "mlp_backward",
      "The ReLU mask is taken per example from whether any hidden unit is active (max over the "
      "units, axis 1), so in an example with one active unit every unit passes dh, the inactive "
      "ones too, instead of the mask relu_cache > 0 entry by entry.",
      [r"any (hidden )?unit", r"per[- ](example|row) mask|mask (per|for each|of each|for the whole) (example|row)", r"mask.{0,40}(axis ?=? ?1|over (the )?(hidden )?units)",
       r"max\w* over (the )?(hidden )?units",
       r"(inactive|negative|<= ?0) (units?|entries|pre-?activations?).{0,40}(pass|through|not blocked|gets? dh)",
       r"(instead of|not) (entry|element)[- ]by[- ](entry|element)", r"(instead of|not) (for )?(each|every) entry"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          active = relu_cache.max(axis=1, keepdims=True) > 0
          da = dh * active
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm13_mlp_sign_mask", "softmax", "mlp_backward",
      "The ReLU's backward multiplies by np.sign of its input, which is -1 (not 0) where the "
      "pre-activation is negative: inactive units send back -dh instead of 0 to dX, dW1 and db1; "
      "W2 and b2 are right.",
      [r"\bsign\b", r"-1 (instead of|not|rather than|where) 0", r"-\s*dh\b|minus dh",
       r"(inactive|negative|<= ?0) (units?|entries|side|pre-?activations?).{0,60}(-1|negative|opposite sign|negated|minus)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * np.sign(relu_cache)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm13_mlp_db1_from_dW1", "softmax", "mlp_backward",
      "Written out by hand, db1 is taken as the column sums of dW1 (a sum over the inputs of "
      "X.T @ da) instead of the sum of da over the batch, so each example's row of da is weighted "
      "by the sum of its inputs; the other outputs are right.",
      [r"(column sums?|sum) of dW1", r"dW1\.sum", r"(weighted|multiplied|scaled) by (the )?sum of (its|the|each example'?s) inputs",
       r"(instead of|not) (the )?sum of da over (the )?(batch|examples|rows)", r"from dW1"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dW1 = X.T @ da
          db1 = dW1.sum(axis=0)
          dX = da @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm13_mlp_tanh_prime_for_relu", "softmax", "mlp_backward",
      "A habit from the RNN notebook: the ReLU's backward uses tanh's local gradient 1 - h**2 on "
      "the ReLU's output h instead of the 0/1 indicator of relu_cache > 0: inactive units (h = 0) "
      "pass dh whole and active ones scale it by 1 - h**2; W2 and b2 are right.",
      [r"tanh", r"1 ?- ?h\s*\*\*\s*2|1 ?- ?h\^?2|1 ?- ?h²", r"(instead of|not) (the |a )?(0/1|0 or 1|binary|indicator|step|mask)",
       r"(active|positive) (units?|entries).{0,40}(scaled|shrunk|multiplied|not passed (whole|unchanged))",
       r"(inactive|negative|<= ?0) (units?|entries|pre-?activations?).{0,40}(pass|through|not blocked|gets? dh)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          h = np.maximum(0, relu_cache)
          da = dh * (1.0 - h ** 2)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (15)
    E("ls13_step_g_local_paren", "lstm", "lstm_step_backward",
      "The candidate's tanh derivative is written (1 - g)**2 instead of 1 - g**2: the candidate's "
      "block of da (and its columns of dWx, dWh, db, and its share of dx and dprev_h) is "
      "(1 - g)/(1 + g) times the right one.",
      [r"\(1 ?- ?g\)\s*\*\*\s*2|\(1 ?- ?g\)\^?2|\(1 ?- ?g\)²", r"(parenthes|bracket).{0,60}(\bg\b|candidate)|(candidate|\bg\b).{0,60}(parenthes|bracket)",
       r"(1 ?- ?g\)? ?/ ?\(?1 ?\+ ?g)", r"square of \(?1 ?- ?g", r"(candidate|\bg\b)'?s?.{0,40}(derivative|local gradient).{0,40}(squared|wrong|instead)"],
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
                               do * o * (1.0 - o), dg * (1.0 - g) ** 2], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls13_step_dc_roles_swapped", "lstm", "lstm_step_backward",
      "In the cell gradient the two upstream gradients play each other's part: "
      "dc = dnext_h + dnext_c * o * (1 - tanh(next_c)**2) instead of "
      "dnext_c + dnext_h * o * (1 - tanh(next_c)**2); the output gate's block is right.",
      [r"(dnext_h|dnext_c).{0,40}(swapped|exchanged|each other|in place of|where .{0,20} belongs|confused|mixed up)",
       r"dnext_h ?\+ ?dnext_c ?\*", r"play(s|ing)? each other'?s (part|role)", r"(roles?|parts?) (of|played by) (the )?(two )?(upstream|incoming) gradients",
       r"dnext_c.{0,40}(through|multiplied by) (the )?(output gate|o\b|tanh)",
       r"dnext_h.{0,40}(added|passes|goes) (directly|straight|unchanged) (in)?to (the )?cell"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_h + dnext_c * o * (1.0 - tanh_c ** 2)
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
    E("ls13_step_df_negated", "lstm", "lstm_step_backward",
      "The forget gate's gradient is taken as -dc * prev_c (as if the gate subtracted what it "
      "forgets) instead of dc * prev_c: the forget gate's block of da has the opposite sign, and "
      "so do its columns of dWx, dWh, db and its share of dx and dprev_h; dprev_c is right.",
      NEGATED + [r"(forget gate|\bdf\b|\bf block|f'?s block).{0,60}(sign|minus|negat)",
                 r"(sign|minus|negat\w*).{0,60}(forget gate|\bdf\b)", r"-\s*dc ?\* ?prev_c"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = -dc * prev_c          # the forget gate removes part of prev_c
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
    E("ls13_step_loop_shadows_i", "lstm", "lstm_step_backward",
      "The loop variable i of a loop over the batch (used to fill dprev_c) shadows the cached input "
      "gate i: afterwards i is the integer N - 1, so dg = dc * (N - 1) and the input gate's block "
      "uses (N - 1)(2 - N) where i(1 - i) belongs; dprev_c and the f and o blocks are right.",
      [r"shadow", r"(loop|for)[- ]?(variable|counter|index) \(?i\b", r"(reus|overwr|clobber)\w*.{0,30}\bi\b",
       r"\bi\b (is|was|becomes|became|now holds) (now )?(an? )?(integer|int\b|index|N ?- ?1)",
       r"N ?- ?1", r"(input gate|\bi\b).{0,40}(replaced|overwritten) by (the |a )?(loop|integer|index)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = dnext_h.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          dprev_c = np.zeros((N, H))
          for i in range(N):
              dprev_c[i] = dc[i] * f[i]
          df = dc * prev_c
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
    E("ls13_step_dnext_h_scaled_inplace", "lstm", "lstm_step_backward",
      "dnext_h is multiplied by o in place (dnext_h *= o) to reuse it on the cell path, which "
      "changes the caller's array, and do is then computed from the scaled dnext_h: the output "
      "gate's gradient carries an extra factor o; the cell path and the other blocks are right.",
      MUTATE + [r"extra factor (of )?o\b", r"(output gate'?s?|\bdo\b|o block).{0,60}(o twice|times o|extra o|o again)",
                r"o ?\* ?o\b|\bo\s*\*\*\s*2|\bo squared"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dnext_h *= o
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * (1.0 - tanh_c ** 2)
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
    E("ls13_step_unpack_c_swapped", "lstm", "lstm_step_backward",
      "The cache is unpacked with prev_c and next_c in each other's place: tanh is taken of the "
      "previous cell state (in do and on the path from next_h into the cell) and the forget gate's "
      "gradient uses next_c where prev_c belongs.",
      [r"(prev_c|previous cell).{0,50}(next_c|next cell|new cell).{0,40}(swapped|exchanged|each other|confused|mixed)",
       r"(next_c|next cell|new cell).{0,50}(prev_c|previous cell).{0,40}(swapped|exchanged|each other|confused|mixed)",
       r"unpack\w*.{0,60}(prev_c|next_c|cell)", r"tanh\(prev_c\)|tanh of (the )?prev(ious)?[_ ]c", r"(in )?each other'?s place",
       r"cache.{0,30}(wrong order|order)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, next_c, Wx, Wh, i, f, o, g, prev_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
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
    E("ls13_step_db_before_local", "lstm", "lstm_step_backward",
      "db is summed from the gate gradients before they are multiplied by the gates' local "
      "gradients (the sigmoid and tanh derivatives); da, dx, dprev_h, dprev_c, dWx and dWh are right.",
      [r"db.{0,80}(before|without|missing|skips?|lacks?) (the )?(gates'? )?(local|sigmoid|tanh|nonlinearit|derivative)",
       r"(local|sigmoid|tanh)\w* (gradients?|derivatives?).{0,40}(missing|left out|not applied|skipped|forgotten) (in|from|for) db",
       r"db.{0,40}(raw|pre-nonlinearity|post-activation|gate gradients)",
       r"db (is )?(summed|computed|taken|built) (from|before).{0,90}(local|derivative|nonlinearit)"],
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
          dgates = np.concatenate([di, df, do, dg], axis=1)
          db = dgates.sum(axis=0)
          local = np.concatenate([i * (1.0 - i), f * (1.0 - f), o * (1.0 - o), 1.0 - g ** 2], axis=1)
          da = dgates * local
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls13_seq_dx_reversed_batch", "lstm", "lstm_backward",
      "The steps' dx are collected in backward order and the [::-1] meant to restore time order "
      "reverses the first axis of the stacked (N, T, D) array, the batch: dx is reversed both in "
      "time and over the examples; the other outputs are right.",
      REVERSED + [r"(batch|example|first) axis", r"(reverses?|flips?|reversed|flipped) (the )?(batch|examples|rows|first axis)",
                  r"\[::-1\]", r"(wrong|other) axis"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          Wx, Wh = cache[0][3], cache[0][4]
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          dxs = []
          for t in reversed(range(T)):
              dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dxs.append(dx_t)
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dx = np.stack(dxs, axis=1)[::-1]      # back into time order
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls13_seq_carry_init_dh_first", "lstm", "lstm_backward",
      "The hidden carry starts as dh[:, 0] (the first step's upstream gradient, an index slip for "
      "zeros) instead of zeros, so the last step also receives the first step's dh, and it flows "
      "back through every step.",
      FROM_ZEROS + [r"dh\[:, ?0\]", r"(carry|running|hidden gradient).{0,40}(start|initiali[sz]|begin)\w*.{0,30}(dh|first step|upstream)",
                    r"(last|final) step.{0,60}(first|step 0'?s?|0th) (step'?s? )?(upstream|dh|gradient)",
                    r"(first|step 0'?s?) (step'?s? )?(upstream|dh).{0,40}(twice|again|also|extra|last step)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h = dh[:, 0].copy()
          dprev_c = np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls13_seq_relu_mask_on_carry", "lstm", "lstm_backward",
      "A habit from the ReLU RNN: after each step the hidden carry dprev_h is masked by prev_h > 0 "
      "(the previous hidden state, h[:, t-1] or h0), a ReLU the LSTM does not have: wherever that "
      "state is negative the carry, and dh0, are zeroed.",
      [r"relu", r"mask\w*.{0,40}(prev_h|previous hidden|hidden state|h ?> ?0|> ?0)",
       r"(negative|<= ?0) (hidden )?(states?|entries|units?).{0,40}(zeroed|blocked|dropped|0\b|zero)",
       r"(zeroe?s|blocks?|drops?) (the )?(carry|carried|hidden gradient).{0,40}(negative|where)"],
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
              prev_h = cache[t][1]
              dprev_h = dprev_h * (prev_h > 0)
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls13_seq_dWh_starts_from_Wh", "lstm", "lstm_backward",
      "dWh starts from a copy of the weights Wh (used as a shape template) instead of zeros, so dWh "
      "is the right sum over the steps plus Wh; the other outputs are right.",
      FROM_ZEROS + [r"(plus|\+) (the )?(weights? )?Wh\b", r"off by (the )?(weights?|Wh)\b", r"Wh (itself )?(is )?added",
                    r"adds? (the )?(weights|Wh\b)", r"shape template"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), Wh.copy(), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls13_seq_fork_averaged", "lstm", "lstm_backward",
      "At the fork the two gradients reaching h[:, t] (the loss's dh[:, t] and the carry from step "
      "t + 1) are averaged instead of added: each step receives half their sum, so the "
      "hidden-state gradients are halved at every step (and the halvings compound back in time).",
      HALF + [r"averag", r"(mean|avg) of (the )?(two|both)", r"(instead of|not|rather than) (being )?(added|summed|their sum)",
              r"add at (a |the )?fork", r"0\.5 ?\*"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dnext_h = 0.5 * (dh[:, t] + dprev_h)      # the two gradients that meet at h[:, t]
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls13_huber_ratio_inverted", "lstm", "huber_backward",
      "The Huber gradient r * min(1, delta / |r|) is written with the ratio upside down, "
      "r * min(1, |r| / delta): inside |r| <= delta it is r|r|/delta instead of r, outside it is r "
      "instead of delta * sign(r).",
      [r"(ratio|fraction).{0,30}(upside down|invert|flipped|reversed|wrong way)", r"\|r\| ?/ ?delta",
       r"(outside|linear (region|part)).{0,60}(not clipped|unclipped|grows|r instead|equals r|r itself|squared.error)",
       r"(inside|quadratic (region|part)).{0,60}(r ?\* ?\|r\||r\|r\||\|r\| ?\* ?r)", r"delta ?/ ?\|r\|"],
      """
      def huber_backward(dloss, r, delta=1.0):
          scale = np.minimum(1.0, np.abs(r) / delta)
          return dloss * scale * r / r.size
      """),
    E("ls13_huber_min_without_abs", "lstm", "huber_backward",
      "The magnitude is min(r, delta) without abs: for a negative error it is r itself, and times "
      "sign(r) gives |r|, so every negative entry gets a positive, unclipped gradient -r instead of "
      "max(r, -delta); positive entries are right.",
      [r"(missing|without|forgot\w*|no) (the )?abs", r"min\(r, ?delta\)",
       r"negative (errors?|entries|r\b|values).{0,60}(positive|sign|unclipped|not clipped|\|r\||-r\b|wrong)",
       r"sign (of|for) (the )?negative", r"(where|when) r ?< ?0"],
      """
      def huber_backward(dloss, r, delta=1.0):
          mag = np.minimum(r, delta)
          return dloss * mag * np.sign(r) / r.size
      """),
    E("ls13_huber_int_buffer", "lstm", "huber_backward",
      "The buffer dr is an integer array, so each clipped value is truncated toward zero when it is "
      "stored: errors inside (-1, 1) give 0 and the others lose their fractional part.",
      [r"\bint(eger)?\b", r"truncat", r"dtype", r"(whole|round) numbers?", r"fraction(al)? part", r"rounded"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.zeros(r.shape, dtype=int)
          inside = np.abs(r) <= delta
          dr[inside] = r[inside]
          dr[~inside] = delta * np.sign(r[~inside])
          return dloss * dr / r.size
      """),
]
