"""A third held-out catalogue of wrong implementations (issue #27), written blind.

Written without reading the checks, the explainer, the detectors, their tests or the earlier
catalogues other than bench/catalogue_heldout2.py (read only for its format and to avoid its
88 slips), and committed before any entry was run through the grader: it measures how often
the feedback names a mistake nobody wrote a detector or a relation for.

    python bench/feedback_catalogue.py bench/catalogue_heldout3.py

Each entry is a whole wrong solution cell, written the way a student slips, and each is a
different slip from those of catalogue_heldout2 (a wrong offset in the gate blocks, a
broadcast that sums the wrong way, one term of several left unscaled, the forward's output
used where its input belongs, tanh' used for sigmoid', a clipped carry, a cache entry from
the wrong step, a dtype or copy slip, a partial in-place update, a batch size taken from the
wrong axis, a mean applied twice, a sign slip in one block, Huber's region tested on the
wrong quantity, ...). `accept` holds case-insensitive regular expressions; any one found in a
failing message's text about the answer counts as naming the mistake. They accept a correct
description in other words (a relation such as "1/N of the right one", "only the last time
step is right", "the forget gate's block is wrong", or the mistake's cause), never only a
location.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
FACTOR = [r"factor", r"too (small|large) by", r"times (smaller|larger|too)", r"divid",
          r"\bscal(ed|ing)\b"]
SCALE_N = FACTOR + [r"1\s*/\s*N\b", r"\bN times", r"\bmean\b", r"averag", r"batch size"]
SIGN = [r"\bsign", r"negat", r"(?<![\d.])[-−]1(?![\d.])", r"minus", r"opposite", r"flipped"]
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the|their)? ?(input|argument|cache)",
          r"overwr", r"unchanged", r"new array", r"original values?", r"alias", r"same array"]
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"squared", r"counted (twice|two)",
         r"doubl\w* (count|applied)"]
ZEROS = [r"all zeros?", r"(every|each) (value|entry) is (0|zero)", r"only zeros", r"zero everywhere",
         r"(is|are|returns?|gives?) (all )?(exactly )?zero\b"]
OVERWRITE = [r"accumul", r"overwr", r"\+=", r"replac\w* (instead of|rather than) add",
             r"(assign|set)\w* (instead of|rather than) (add|sum)"]
SWAP_STATE = [r"swap", r"exchang", r"switched", r"(other|wrong) state", r"in (each other'?s?|the other'?s?) place"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(neighbou?ring|adjacent|wrong|another) (time )?step'?s?",
         r"one step (early|late|earlier|later|off|too)", r"\broll"]


CATALOGUE = [
    # ======================================================================== staged (11)
    E("st_dy_no_den_path", "staged", "staged_backward",
      "dy keeps only the path through sigmoid(y) in the numerator and forgets that y is also in "
      "x + y in the denominator.",
      [r"(missing|forgot|dropped|lacks|without|lost|omit).{0,60}(x ?\+ ?y|xpy|denominator|second (path|use))",
       r"(path|contribution|term|use).{0,50}(x ?\+ ?y|xpy|denominator).{0,40}(missing|dropped|lost|forgotten|left out)",
       r"y (also )?(appears|is used) (twice|in the denominator|in x ?\+ ?y|more than once)",
       r"only (the )?(numerator|sigmoid\(y\)|path through (the )?numerator)", r"fork"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_tanh_prime_sigx", "staged", "staged_backward",
      "The local gradient of sigmoid(x) is taken as 1 - sigx**2 (the tanh's derivative) instead "
      "of sigx * (1 - sigx).",
      [r"tanh", r"1\s*-\s*sig(x|moid\(x\))\s*(\*\*\s*2|²|\^2)", r"sigmoid'?s? (local )?(gradient|derivative).{0,40}(wrong|instead|not)",
       r"(wrong|incorrect) (local )?(gradient|derivative) (of|for) (the )?sigmoid"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dsigx = dden
          dxpy = 2.0 * xpy * dden
          dx = dxpy + (1.0 - sigx ** 2) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_dnum_times_den", "staged", "staged_backward",
      "In f = num * invden the numerator's gradient is multiplied by den instead of invden "
      "(the cached denominator used where its reciprocal belongs).",
      [r"\bden\b.{0,30}instead", r"instead of .{0,25}(1\s*/\s*den|invden|reciprocal)", r"reciprocal",
       r"(multipl\w*|times) (by )?(the )?den(ominator)?\b(?! ?\*\*)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = den * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_sigy_uses_sigx", "staged", "staged_backward",
      "The local gradient of sigmoid(y) is computed from sigx (the other cached sigmoid) instead of sigy.",
      [r"sig(x|moid\(x\)).{0,40}instead", r"instead of .{0,25}sig(y|moid\(y\))", r"(x'?s?|wrong|other) sigmoid",
       r"sigmoid of x\b", r"sigx\s*\*?\s*\(\s*1\s*-\s*sigx"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dsigy = dnum
          dy = dxpy + sigx * (1.0 - sigx) * dsigy
          return dx, dy
      """),
    E("st_inverse_no_square", "staged", "staged_backward",
      "The derivative of 1/den is taken as -1/den instead of -1/den**2.",
      [r"square", r"den\s*(\*\*\s*2|²|\^2)", r"power", r"1\s*/\s*den\b(?!\s*(\*\*|²|\^))",
       r"(one|a) (more )?factor (of )?(1\s*/\s*den|invden)", r"derivative of 1\s*/\s*den"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_df_twice", "staged", "staged_backward",
      "The upstream gradient df is multiplied in at the first stage and again at the end, so "
      "the result is df times too large.",
      TWICE + [r"df\s*(\*\*\s*2|²)", r"(extra|additional) factor", r"times (the upstream|df)\b",
               r"upstream.{0,40}(twice|again|two)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          # chain rule: times the upstream gradient
          return dx * df, dy * df
      """),
    E("ng_alias_both_steps", "staged", "numerical_gradient",
      "xp = x and xm = x name the same array, so both perturbations cancel before f is called "
      "and every difference is zero.",
      ZEROS + [r"copy", r"alias", r"same (array|object|point)", r"cancel", r"before (calling|evaluating) f",
               r"(both|the two) (evaluations|calls|values) (are )?(equal|the same)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              xp = x
              xm = x
              xp[i] += h
              xm[i] -= h
              grad[i] = (f(xp) - f(xm)) / (2 * h)
          return grad
      """),
    E("ng_all_at_once", "staged", "numerical_gradient",
      "Perturbs every entry of x at once (x + h, x - h) instead of one entry at a time, so every "
      "entry holds the same directional difference (the sum of the gradient's entries).",
      [r"sum of (all|every|the) (entries|partials|components|gradient)", r"(all|every) entr(y|ies) at once",
       r"one (entry|coordinate|component) at a time", r"(same|one|single|identical) value (everywhere|in every|for every|for all)",
       r"(every|all) entr(y|ies) (are |is )?(the )?(same|equal|identical)", r"constant", r"whole (array|x)",
       r"\be_i\b"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              grad[i] = (f(x + h) - f(x - h)) / (2 * h)
          return grad
      """),
    E("max_dy_copy_paste", "staged", "max_backward",
      "dy is a copy-paste of dx: both get dout where x won, so y never receives the gradient where it won.",
      [r"(same|equal|identical) (as|to) dx", r"dy (is|equals) dx", r"copy", r"where y (won|wins|is (the )?larger)",
       r"y'?s? wins", r"(gradient|dout) (goes|sent|routed) to (both|x)", r"(both|each) (input|gradient)s? (get|receive)",
       r"x'?s? (mask|wins) (for|in) (both|dy)"],
      """
      def max_backward(dout, x, y):
          x_wins = x > y
          dx = np.where(x_wins, dout, 0.0)
          dy = np.where(x_wins, dout, 0.0)
          return dx, dy
      """),
    E("add_split_half", "staged", "add_backward",
      "Splits the upstream gradient between the two inputs (dout / 2 each) instead of passing "
      "all of it to both.",
      [r"half", r"1\s*/\s*2", r"0\.5", r"split", r"divid", r"factor (of )?2", r"twice (too small|as small)",
       r"(both|each) (get|receive)s? (the )?(whole|full|all)"],
      """
      def add_backward(dout, x, y):
          # the gradient is shared between the two inputs
          dx = 0.5 * dout
          dy = 0.5 * dout
          return dx, dy
      """),
    E("sp_softplus_no_e", "staged", "softplus_circuit",
      "The derivative of log(1 + e) is taken as 1 / (1 + e) and never multiplied by e = exp(u), "
      "giving sigmoid(-xy) where sigmoid(xy) belongs.",
      [r"sigmoid\(\s*-", r"1\s*-\s*sigmoid", r"(missing|forgot|without|lacks|never).{0,40}(exp|\be\b|e\s*=\s*exp|factor e)",
       r"times e\b", r"derivative of (the )?exp", r"(softplus|log\s*\(\s*1\s*\+).{0,40}(derivative|gradient).{0,30}(wrong|missing|instead)"],
      """
      def softplus_circuit(x, y, dg=1.0):
          u = x * y
          e = np.exp(u)
          soft = np.log(1.0 + e)
          t = np.tanh(y)
          num = x * t
          den = 1.0 + x ** 2
          inv = 1.0 / den
          frac = num * inv
          g = soft + frac
          dsoft = dg * 1.0
          dfrac = dg * 1.0
          dnum = dfrac * inv
          dinv = dfrac * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x
          dx = dx + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          du = dsoft / (1.0 + e)
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),

    # ======================================================================== sigmoid (10)
    E("sg_dW_no_local", "sigmoid", "sigmoid_layer_backward",
      "dW is built from the upstream dz instead of dz times the local gradient z(1 - z); dx is right.",
      [r"(sigmoid'?s?|local) (gradient|derivative|factor).{0,40}(missing|forgot|dropped|skipped|not applied|left out)",
       r"(missing|forgot|without|lacks|skip\w*|omit\w*).{0,40}(sigmoid'?s? (local )?(gradient|derivative)|local (gradient|factor)|z\s*\(\s*1\s*-\s*z)",
       r"z\s*\(\s*1\s*-\s*z\s*\)", r"not (passed|gone) through the sigmoid", r"upstream dz (straight|directly)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(dz, x)
          return dx, dW
      """),
    E("sg_dx_mean_units", "sigmoid", "sigmoid_layer_backward",
      "dx averages the units' contributions (mean over the H units) instead of summing them: 1/H of the right value.",
      FACTOR + [r"1\s*/\s*H\b", r"\bH times", r"\bmean\b", r"averag", r"number of units"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = (W * da[:, None]).mean(axis=0)
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_tanh_prime", "sigmoid", "sigmoid_layer_backward",
      "Uses 1 - z**2 (the tanh's derivative) as the sigmoid's local gradient.",
      [r"tanh", r"1\s*-\s*z\s*(\*\*\s*2|²|\^2)", r"sigmoid'?s? (local )?(gradient|derivative).{0,40}(wrong|instead|not)",
       r"(wrong|incorrect) (local )?(gradient|derivative) (of|for) the sigmoid"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * (1.0 - z ** 2)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_local_at_preact", "sigmoid", "sigmoid_layer_backward",
      "Evaluates a(1 - a) at the pre-activation a = W @ x instead of z(1 - z) at the sigmoid's output.",
      [r"pre-?activation", r"W\s*@\s*x", r"before the sigmoid", r"(input|argument) (of|to) the sigmoid",
       r"instead of (at )?(the |its )?output", r"a\s*\(\s*1\s*-\s*a\s*\)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          a = W @ x
          da = dz * a * (1.0 - a)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dW_times_W", "sigmoid", "sigmoid_layer_backward",
      "dW multiplies each unit's gradient by the weights W instead of by the input x.",
      [r"\bW\b.{0,30}instead of .{0,20}(\bx\b|input)", r"weights? instead of (the )?input",
       r"instead of (the )?input", r"(should|must) (be|use) (the )?input", r"(times|multipl\w* by) (the )?(weights|W)\b"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = da[:, None] * W
          return dx, dW
      """),
    E("sg_local_sign", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is written z * (z - 1), the negative of z(1 - z).",
      SIGN,
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (z - 1.0)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dx_local_twice", "sigmoid", "sigmoid_layer_backward",
      "dx applies the local gradient z(1 - z) a second time to da, which already holds it.",
      TWICE + [r"(z\s*\(\s*1\s*-\s*z\s*\)|local (gradient|factor)).{0,30}(twice|again|two|squared)",
               r"(extra|additional) factor"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z * (1.0 - z)
          da = dz * local
          dx = W.T @ (da * local)
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_loop_last_unit", "sigmoid", "sigmoid_layer_backward",
      "A loop over the units assigns dx = ... at each unit instead of adding, so dx is only the "
      "last unit's contribution.",
      OVERWRITE + [r"only (the )?last (unit|row)", r"last unit'?s?", r"sum (over|of) (the |all )?units",
                   r"one unit", r"(every|all) units?'? (contributions?|terms)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          dW = np.zeros((H, D))
          dx = np.zeros(D)
          for i in range(H):
              da_i = dz[i] * z[i] * (1.0 - z[i])
              dW[i] = da_i * x
              dx = da_i * W[i]
          return dx, dW
      """),
    E("sf_complement", "sigmoid", "saturated_fraction",
      "Counts the pairs whose local gradient is at least tol (the unsaturated ones): 1 minus the right fraction.",
      [r"complement", r"1\s*-\s*(the )?(right|expected|correct|fraction)", r"unsaturated", r"not saturated",
       r"opposite", r"revers", r"(>=|≥)\s*tol", r"(above|at least|greater than( or equal to)?) (the )?tol", r"add(s)? up to (1|one)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(local >= tol))
      """),
    E("sf_low_side_only", "sigmoid", "saturated_fraction",
      "Tests z < tol instead of z(1 - z) < tol, so units saturated near 1 are never counted.",
      [r"z\s*<\s*tol", r"(near|close to) (1|one)", r"both (ends|sides|tails)", r"(only|just) (the )?(low|small|negative|zero|one) (side|end)",
       r"output (itself|instead)", r"(large|positive) pre-?activations", r"(missing|forgot|without).{0,30}z\s*\(\s*1\s*-\s*z"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          return float(np.mean(Z < tol))
      """),

    # ======================================================================== relu (11)
    E("rl_times_output", "relu", "relu_backward",
      "Multiplies dout by the forward's output max(0, a) instead of by the 0/1 indicator of a > 0.",
      [r"(forward'?s? )?output instead", r"multipl\w* by (a\b|the input|the activation|the output|max)",
       r"0\s*(or|/)\s*1", r"indicator", r"(scaled|proportional|multiplied) (by|to) a\b", r"times a\b",
       r"value of a\b", r"instead of (1|one)\b"],
      """
      def relu_backward(dout, cache):
          a = cache
          out = np.maximum(0, a)
          da = dout * out
          return da
      """),
    E("rl_sign_mask", "relu", "relu_backward",
      "Multiplies by np.sign(a), so the negative side gets -dout instead of 0.",
      [r"\bsign\b", r"(-|minus|negat\w*) ?dout", r"(negative|a\s*<=?\s*0).{0,60}(should be|instead of|not) (0|zero)",
       r"(-|minus) ?1\b.{0,40}(instead of|not) (0|zero)", r"(flipped|negated) (on|where)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = dout * np.sign(a)
          return da
      """),
    E("rl_int_copy", "relu", "relu_backward",
      "Builds da from an integer mask (astype(int)) and fills it in place, so the gradient is "
      "truncated to whole numbers.",
      [r"integer", r"\bint\b", r"dtype", r"round(ed|ing)?\b", r"truncat", r"whole numbers", r"float ?64",
       r"(fractional|decimal) part"],
      """
      def relu_backward(dout, cache):
          a = cache
          mask = (a > 0).astype(int)
          da = mask.copy()
          da[mask == 1] = dout[mask == 1]
          return da
      """),
    E("lk_forgets_dout", "relu", "leaky_relu_backward",
      "On the negative side returns the slope itself instead of slope * dout.",
      [r"(not|never|without) (multipl\w*|times|scaled) (by )?(dout|the upstream)", r"(ignor|drop|forgot)\w* (dout|the upstream)",
       r"slope (itself|alone)", r"constant", r"(same|one) value (everywhere|on the negative)",
       r"(negative|a\s*<=?\s*0).{0,60}(equals?|is) (the )?slope"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, slope)
          return da
      """),
    E("lk_slope_everywhere", "relu", "leaky_relu_backward",
      "Adds the leak slope * dout on top of a ReLU's gradient everywhere, so the positive side "
      "gets (1 + slope) * dout.",
      [r"1\s*\+\s*slope", r"(positive|a\s*>\s*0).{0,60}(too large|extra|also|as well|added|plus)",
       r"(extra|added|additional) (slope|term).{0,40}(positive|everywhere|every entry|both)", r"both sides",
       r"slope.{0,40}(everywhere|on both|on the positive)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, 0.0) + slope * dout
          return da
      """),
    E("pr_dalpha_alpha", "relu", "prelu_backward",
      "dalpha multiplies dout by alpha (the slope) instead of by the input a.",
      [r"alpha instead", r"instead of .{0,20}(\ba\b|the input|pre-?activation)", r"(times|multipl\w* by) alpha",
       r"(should|must) (be|use) (the )?(input|a\b)", r"slope instead"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, alpha * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr_dalpha_last_row", "relu", "prelu_backward",
      "A loop over the rows assigns dalpha instead of adding, so dalpha holds only the last example's term.",
      OVERWRITE + [r"only (the )?last (row|example)", r"last (row|example)'?s?", r"sum (over|of) (the |all )?(batch|rows|examples)",
                   r"one (row|example)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          N, H = a.shape
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.zeros(H)
          for n in range(N):
              dalpha = np.where(negative[n], a[n] * dout[n], 0.0)
          return da, dalpha
      """),
    E("pr_da_mean_alpha", "relu", "prelu_backward",
      "da uses one slope for every unit (the mean of alpha) instead of each unit's own alpha[j].",
      [r"\bmean\b", r"averag", r"(single|one|same) (slope|alpha)", r"per[- ]unit", r"(each|every) (unit|column)'?s? (own )?(slope|alpha)",
       r"own (slope|alpha)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          slope = float(np.mean(alpha))
          da = np.where(negative, slope * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr_dalpha_sign", "relu", "prelu_backward",
      "dalpha has a minus sign (the student thought the negative side needs one).",
      SIGN,
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = -np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("dn_fraction_of_entries", "relu", "dead_neuron_fraction",
      "Returns the fraction of (example, unit) entries with pre-activation <= 0 instead of the "
      "fraction of units that are <= 0 on every example.",
      [r"entries", r"pairs", r"(every|all) (the )?examples", r"per unit", r"(each|every) entry",
       r"(example|row)s? .{0,20}(instead|rather)", r"np\.all|all\(", r"inactive (on|for) (some|one)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          return float(np.mean(pre <= 0))
      """),
    E("dn_axis_examples", "relu", "dead_neuron_fraction",
      "Takes np.all over the units (axis 1) instead of over the examples: the fraction of examples "
      "on which every unit is inactive.",
      [r"axis", r"(examples|rows) instead of (units|columns)", r"per example", r"(each|every) example",
       r"fraction of (the )?examples", r"(units|columns) instead of (examples|rows)", r"transpos"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=1)
          return float(np.mean(dead))
      """),

    # ======================================================================== rnn (15)
    E("rr_dh0_is_delta", "rnn", "relu_rnn_backward",
      "dh0 is returned as step 0's delta, without the last multiplication by Whh's transpose "
      "that carries it back to h0.",
      [r"(missing|forgot|without|lacks|skip\w*|omit\w*).{0,50}(Whh|weights?|matrix|multiplication)",
       r"through (the )?(first step'?s? )?(Whh|weights|recurrent matrix)", r"step 0'?s? (delta|gradient)",
       r"one (more|last|final) (step|multiplication)", r"before (the )?(multiplication|Whh|matrix)",
       r"gradient on hs\[0\]", r"first state'?s? gradient", r"(equals?|is) (the gradient (on|at|of) )?(the )?first (state|step)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              if t > 0:
                  carry = Whh.T @ delta
          return dWhh, delta
      """),
    E("rr_hprev_own_state", "rnn", "relu_rnn_backward",
      "dWhh pairs each step's delta with that step's own output hs[t] instead of its input hs[t-1].",
      SHIFT + [r"hs\[t\] instead", r"own (output|state)", r"(current|same) step'?s? (output|state)",
               r"instead of (the )?(previous|input) state", r"output (of the step )?(instead|where)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              dWhh += np.outer(delta, hs[t])
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr_step0_wraps", "rnn", "relu_rnn_backward",
      "Takes the previous state as hs[t-1] at every step, so step 0 uses hs[-1] (the last state) "
      "instead of h0.",
      [r"hs\[-1\]", r"wrap", r"negative index", r"\bh0\b", r"initial state", r"(last|final) state",
       r"(only )?(the )?(first|step 0)('?s)? (step|term|contribution).{0,40}(wrong|off|previous|input)",
       r"(all|every) (step|term)s? but (the )?(first|step 0)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              dWhh += np.outer(delta, hs[t - 1])
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr_carry_unmasked", "rnn", "relu_rnn_backward",
      "The gradient sent back to the previous step is computed from dhs[t] + carry before the "
      "ReLU mask; only dWhh uses the masked delta.",
      [r"(before|without|skip\w*|not through|missing|ignor\w*) (the )?(relu|mask)", r"unmasked", r"not masked",
       r"mask.{0,50}(carry|passed back|sent back|previous step|earlier step)", r"(inactive|dead|blocked) (units|entries)",
       r"relu'?s? (mask|derivative).{0,40}(missing|skipped|not applied)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              g = dhs[t] + carry
              delta = g * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ g
          return dWhh, carry
      """),
    E("rr_clip_carry", "rnn", "relu_rnn_backward",
      "Clips the carried gradient to [-1, 1] at every step (to avoid explosion), which changes "
      "the gradient whenever it grows beyond 1.",
      [r"clip", r"capped", r"bounded", r"limited to", r"(never|not) (exceed|above|larger than|beyond) 1",
       r"\[-1, ?1\]", r"(saturat|flatten)\w* at (±|\+/-)?1"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = np.clip(Whh.T @ delta, -1.0, 1.0)   # keep it from exploding
          return dWhh, carry
      """),
    E("rs_dWh_next_h", "rnn", "rnn_step_backward",
      "dWh uses next_h (the step's output) where prev_h (its input) belongs.",
      [r"next_h.{0,30}instead", r"instead of .{0,25}prev_h", r"output state", r"(new|next|output) (hidden )?state instead",
       r"instead of (the )?previous (hidden )?state", r"(step'?s? )?output (instead|where)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = next_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_local_prev_h", "rnn", "rnn_step_backward",
      "The tanh's local gradient is evaluated with prev_h (the previous state) instead of next_h.",
      [r"prev_h.{0,30}instead", r"instead of .{0,25}next_h", r"previous (hidden )?state.{0,30}(instead|where)",
       r"(wrong|previous|earlier) (state|step)'?s? (value|output)", r"1\s*-\s*prev_h"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - prev_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_sigmoid_prime", "rnn", "rnn_step_backward",
      "Uses next_h * (1 - next_h) (the sigmoid's derivative) as the tanh's local gradient.",
      [r"sigmoid", r"h\s*\*?\s*\(\s*1\s*-\s*(next_)?h\s*\)", r"tanh'?s? (local )?(gradient|derivative).{0,40}(wrong|instead|not)",
       r"(wrong|incorrect) (local )?(gradient|derivative) (of|for) (the )?tanh"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * next_h * (1.0 - next_h)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb_cache_shift", "rnn", "rnn_backward",
      "Step t is backpropagated with cache[t - 1] (the previous step's cache; step 0 wraps to the last).",
      SHIFT + [r"cache\[t ?- ?1\]", r"(wrong|another|other) step'?s? (cache|values|inputs)", r"wrap"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t - 1])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb_skip_step0", "rnn", "rnn_backward",
      "The loop is range(T - 1, 0, -1), so step 0 is never backpropagated: dx[:, 0] stays zero, "
      "its weight terms are missing and dh0 is the gradient on h[:, 0] instead.",
      [r"(step 0|first (time )?step).{0,50}(zero|missing|skipped|never|not (run|done|backprop))",
       r"(zero|missing|skipped|never|not (run|done|backprop)\w*).{0,50}(step 0|first (time )?step)",
       r"(skipp|miss|left out|omit)\w*.{0,30}step",
       r"off[- ]by[- ]one", r"T\s*-\s*1 steps", r"(all|every) (step|term)s? but (the )?first",
       r"gradient on h\[:, ?0\]", r"one step too (early|few|soon)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in range(T - 1, 0, -1):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb_weights_mean_N", "rnn", "rnn_backward",
      "Divides dWx, dWh and db by the batch size N at the end (averaging over the batch); dx and dh0 are right.",
      SCALE_N,
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
          dWx /= N
          dWh /= N
          db /= N
          return dx, dprev, dWx, dWh, db
      """),
    E("cn_no_sqrt", "rnn", "clip_grad_norm",
      "total_norm is the sum of squares (the square root is forgotten), so the norm and the scale are wrong.",
      [r"sqrt", r"square root", r"squared norm", r"sum of (the )?squares", r"norm squared"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(sum(np.sum(g ** 2) for g in grads.values()))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cn_scale_inverted", "rnn", "clip_grad_norm",
      "Above max_norm the arrays are multiplied by total_norm / max_norm (upside down), so they grow instead of shrinking.",
      [r"invert", r"reciprocal", r"upside", r"total_norm\s*/\s*max_norm", r"(grow|larger|increas)\w*.{0,30}(instead|rather)",
       r"instead of shrink", r"(made|gets?|became) (larger|bigger)", r"wrong way"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          scale = total_norm / max_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cv_upper_only", "rnn", "clip_grad_value",
      "Clips only from above (np.minimum(g, clip_value)): entries below -clip_value are left unclipped.",
      [r"(negative|lower|below|large negative).{0,50}(not|never|unclipped|left|bound)", r"-\s*clip_value",
       r"only (the )?(upper|positive|above|top)", r"one side", r"both (sides|ends|bounds)", r"lower bound"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.minimum(g, clip_value) for name, g in grads.items()}
      """),
    E("sr_spectral_norm", "rnn", "spectral_radius",
      "Returns the spectral norm (the largest singular value, np.linalg.norm(W, 2)) instead of "
      "the largest absolute eigenvalue.",
      [r"singular", r"spectral norm", r"2-norm", r"\bsvd\b", r"norm instead", r"operator norm"],
      """
      def spectral_radius(W):
          return float(np.linalg.norm(W, 2))
      """),

    # ======================================================================== softmax (18)
    E("af_dW_outer_of_sums", "softmax", "affine_backward",
      "dW is the outer product of x summed over the batch and dout summed over the batch, "
      "instead of the sum over rows of each row's outer product (rows get paired with other rows).",
      [r"outer product of (the )?(sums|totals)", r"sum(s|med)? (first|before)", r"cross[- ]terms?",
       r"(each|every) (row|example) (with|times) (every|each|all) (other|the other)", r"(rows|examples) (mixed|paired)",
       r"sum of x\b", r"x\.sum", r"(sum|summed) (over|across) (the )?(batch|rows) before"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = np.outer(x.sum(axis=0), dout.sum(axis=0))
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_dW_last_row", "softmax", "affine_backward",
      "A loop over the rows assigns dW = outer(x[n], dout[n]) instead of adding, so dW is only the last example's term.",
      OVERWRITE + [r"only (the )?last (row|example)", r"last (row|example)'?s?", r"sum (over|of) (the |all )?(batch|rows|examples)",
                   r"one (row|example)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dW = np.zeros_like(W)
          for n in range(N):
              dW = np.outer(x[n], dout[n])
          dx = dout @ W.T
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_db_total", "softmax", "affine_backward",
      "db is the sum of every entry of dout, the same number in every column, instead of a sum per column.",
      [r"(every|all|each) (entr|value|column)\w*.{0,30}(same|equal|identical)", r"(same|one|single) (value|number) (in|for) (every|each|all)",
       r"constant", r"sum (of|over) (all|every|both|the whole)", r"whole (array|matrix)", r"both ax[ie]s"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = np.full(b.shape, dout.sum())
          return dx, dW, db
      """),
    E("af_db_aliases_b", "softmax", "affine_backward",
      "db = b and then db[:] = ..., so the bias in the cache is overwritten (db is the cached b itself).",
      MUTATE + [r"copy", r"same (array|object) as (the )?(bias|b)\b", r"(is|returns) (the )?(bias|b) itself"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = b
          db[:] = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("ce_dlabels_no_N", "softmax", "softmax_cross_entropy_backward",
      "dlogits is divided by N but dlabels is not (the mean's 1/N is applied to one output only).",
      SCALE_N + [r"N times"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs)
          return dlogits, dlabels
      """),
    E("ce_dlabels_no_log", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses -probs / N, forgetting the log: the loss holds labels * log(probs).",
      [r"\blog\b", r"logarithm", r"log[- ]?prob", r"(missing|forgot|without|lacks).{0,20}log"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * probs / N
          return dlogits, dlabels
      """),
    E("ce_dlogits_sign", "softmax", "softmax_cross_entropy_backward",
      "dlogits is labels - probs * row_sums, the negative of the right one (dlabels is right).",
      SIGN,
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (labels - probs * row_sums) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_rowsum_on_labels", "softmax", "softmax_cross_entropy_backward",
      "The row sums multiply the labels instead of the probabilities (probs - labels * row_sums).",
      [r"row[- ]?sums?", r"sum of (each|the) (row|labels)", r"(soft|unnormali[sz]ed|weighted) labels",
       r"(labels|rows) (that )?(do not|don't|need not|doesn't) sum", r"not sum to (1|one)",
       r"(probs|probabilities).{0,40}(scaled|multiplied|times)", r"(labels).{0,30}(scaled|multiplied) instead"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs - labels * row_sums) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_mean_over_classes", "softmax", "softmax_cross_entropy_backward",
      "Both gradients are divided by N * C (labels.size) instead of N, as if the loss were a mean over every entry.",
      FACTOR + [r"1\s*/\s*C\b", r"\bC times", r"N\s*\*\s*C", r"number of classes", r"\.size\b",
                r"mean over (every|all) entr(y|ies)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          n = labels.size
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / n
          dlabels = -dloss * np.log(probs) / n
          return dlogits, dlabels
      """),
    E("ce_N_from_columns", "softmax", "softmax_cross_entropy_backward",
      "N is read from logits.shape[1] (the number of classes C) instead of shape[0]: both gradients are N/C times the right ones.",
      FACTOR + [r"shape\[1\]", r"number of classes", r"columns instead", r"N\s*/\s*C", r"C\s*/\s*N", r"wrong axis"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[1]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_dloss_dlabels_only", "softmax", "softmax_cross_entropy_backward",
      "dloss multiplies dlabels but is forgotten in dlogits.",
      [r"dloss.{0,40}(ignor|missing|not used|dropped|forgot|not multiplied|never)",
       r"(ignor|missing|without|forgot|not multiplied by|never multiplied by).{0,30}(dloss|upstream)",
       r"upstream.{0,40}(ignor|missing|not used|dropped|forgot|not multiplied|never)",
       r"as if .{0,30}(dloss|the loss'?s? gradient) (were|was|is) 1", r"1\s*/\s*dloss"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_probs_inplace", "softmax", "softmax_cross_entropy_backward",
      "dlogits is built by updating probs in place (dlogits = probs; dlogits *= ...), which "
      "overwrites the cache's probabilities; the values returned are right.",
      MUTATE + [r"copy", r"(is|returns) (the )?(cached )?probs itself", r"same (array|object) as (the )?probs"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlabels = -dloss * np.log(probs) / N
          dlogits = probs
          dlogits *= labels.sum(axis=1, keepdims=True)
          dlogits -= labels
          dlogits *= dloss / N
          return dlogits, dlabels
      """),
    E("ce_labels_normalized", "softmax", "softmax_cross_entropy_backward",
      "Normalizes each row of labels to sum to 1 before using probs - labels: dlogits is 1/row_sum "
      "of the right one in every row.",
      [r"normali[sz]", r"divid\w* (the )?labels", r"row[- ]?sums?", r"(labels|rows) (that )?(do not|don't|need not|doesn't) sum",
       r"not sum to (1|one)", r"soft labels", r"(each|every|per) row.{0,40}(factor|scale|constant)",
       r"(factor|scale|constant).{0,40}(each|every|per) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          targets = labels / labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs - targets) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("mb_db1_unmasked", "softmax", "mlp_backward",
      "db1 sums the hidden gradient before the ReLU mask; dW1 and dX use the masked one.",
      [r"(before|without|skip\w*|not through|missing|ignor\w*) (the )?(relu|mask)", r"unmasked", r"not masked",
       r"(inactive|dead|blocked|zero) (units|entries|activations)", r"relu'?s? (mask|derivative|gradient).{0,40}(missing|skipped|not applied)",
       r"mask.{0,30}(missing|forgot|not applied)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX = da @ W1.T
          dW1 = X.T @ da
          db1 = dh.sum(axis=0)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_dX_unmasked", "softmax", "mlp_backward",
      "dX is computed from the hidden gradient before the ReLU mask; the first layer's weights use the masked one.",
      [r"(before|without|skip\w*|not through|missing|ignor\w*) (the )?(relu|mask)", r"unmasked", r"not masked",
       r"(inactive|dead|blocked|zero) (units|entries|activations)", r"relu'?s? (mask|derivative|gradient).{0,40}(missing|skipped|not applied)",
       r"mask.{0,30}(missing|forgot|not applied)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          _, dW1, db1 = affine_backward(da, aff1_cache)
          dX = dh @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_dloss_twice", "softmax", "mlp_backward",
      "dloss is passed to the loss's backward and every gradient is multiplied by dloss again at the end.",
      TWICE + [r"dloss\s*(\*\*\s*2|²)", r"(extra|additional) factor", r"times dloss", r"upstream.{0,40}(twice|again|two)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
          grads = {k: v * dloss for k, v in grads.items()}
          return dX * dloss, grads
      """),
    E("mb_W2_mean_twice", "softmax", "mlp_backward",
      "Written out by hand, the second layer's dW2 and db2 are divided by N again although dlogits "
      "already holds the 1/N (the mean applied twice there only).",
      SCALE_N + TWICE,
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          N = X.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = h.T @ dlogits / N
          db2 = dlogits.sum(axis=0) / N
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dW1 = X.T @ da
          db1 = da.sum(axis=0)
          dX = da @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_N_from_hidden", "softmax", "mlp_backward",
      "Written out by hand, N is taken as h.shape[1] (the hidden size H) instead of the batch size: every gradient is N/H times the right one.",
      FACTOR + [r"1\s*/\s*H\b", r"hidden (size|width|units)", r"shape\[1\]", r"N\s*/\s*H", r"H\s*/\s*N", r"batch size", r"wrong axis"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          N = h.shape[1]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dW1 = X.T @ da
          db1 = da.sum(axis=0)
          dX = da @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (20)
    E("ls_g_block_written_twice", "lstm", "lstm_step_backward",
      "Filling a preallocated da, the candidate's gradient is written into block 2H:3H (a copy-paste "
      "offset), overwriting the output gate's block and leaving the candidate's block zero.",
      [r"(candidate|\bg\b|g's|fourth|last)('s)? (gate'?s? )?(block|columns).{0,60}(zero|empty|missing|nothing)",
       r"(zero|empty|nothing).{0,60}(candidate|\bg\b|g's|fourth|last) (gate'?s? )?(block|columns)",
       r"(output gate|\bo\b|o's|third)('s)? (gate'?s? )?(block|columns).{0,80}(candidate|\bg\b|g's)",
       r"overwr", r"written twice", r"same block", r"(index|offset|slice).{0,30}(wrong|off)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = dnext_h.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.zeros((N, 4 * H))
          da[:, 0:H] = di * i * (1.0 - i)
          da[:, H:2 * H] = df * f * (1.0 - f)
          da[:, 2 * H:3 * H] = do * o * (1.0 - o)
          da[:, 2 * H:3 * H] = dg * (1.0 - g ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_f_tanh_prime", "lstm", "lstm_step_backward",
      "The forget gate's local gradient is taken as 1 - f**2 (tanh's derivative) instead of f(1 - f).",
      [r"forget gate'?s? (block|columns|local|derivative|gradient)", r"(block|columns) (of|for) the forget gate",
       r"\btanh'?s? derivative", r"1\s*-\s*f\s*(\*\*\s*2|²|\^2)", r"\bf\s*\(\s*1\s*-\s*f\s*\)",
       r"(\bf\b|forget).{0,40}(as|like) (a )?tanh"],
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
          da = np.concatenate([di * i * (1.0 - i), df * (1.0 - f ** 2),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_dc_no_o", "lstm", "lstm_step_backward",
      "The path from next_h into next_c forgets the output gate's factor o (dnext_h * (1 - tanh(c)**2) only).",
      [r"output gate'?s? (factor|value)", r"(missing|without|forgot|lacks|omit\w*).{0,40}(\bo\b|output gate)",
       r"(times|factor) o\b", r"not multiplied by (the output gate|o\b)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
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
    E("ls_dg_times_f", "lstm", "lstm_step_backward",
      "The candidate's gradient uses the forget gate f instead of the input gate i (dg = dc * f).",
      [r"\bf\b.{0,30}instead of .{0,15}\bi\b", r"forget gate.{0,40}instead", r"instead of (the )?input gate",
       r"candidate'?s? (block|columns|gradient)", r"(block|columns) (of|for) the candidate", r"\bg\b('s)? block"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * f
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_tanh_c_parenthesis", "lstm", "lstm_step_backward",
      "The tanh's derivative on the cell path is written (1 - tanh_c) ** 2 instead of 1 - tanh_c ** 2.",
      [r"\(\s*1\s*-\s*tanh", r"parenthes", r"bracket", r"tanh'?s? (local )?(derivative|gradient).{0,40}(wrong|instead|not)",
       r"1\s*-\s*tanh\S*\s*(\*\*\s*2|²)", r"square (of|on) the (difference|wrong)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c) ** 2
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
    E("ls_dprev_c_times_i", "lstm", "lstm_step_backward",
      "dprev_c is dc times the input gate i instead of the forget gate f.",
      [r"input gate.{0,30}instead", r"instead of (the )?forget gate", r"\bi\b instead of \bf\b", r"(times|factor) i\b",
       r"(forget gate'?s? (factor|value)).{0,30}(missing|instead|not)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * i
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
    E("ls_f_local_from_i", "lstm", "lstm_step_backward",
      "Copy-paste: the forget gate's sigmoid derivative is computed with i, i * (1 - i), instead of f * (1 - f).",
      [r"forget gate'?s? (block|columns|local|derivative|gradient)", r"(block|columns) (of|for) the forget gate",
       r"input gate'?s? (value|activation).{0,30}instead", r"\bi\b instead of \bf\b", r"i\s*\*?\s*\(\s*1\s*-\s*i\s*\).{0,30}(instead|forget)"],
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
          da = np.concatenate([di * i * (1.0 - i), df * i * (1.0 - i),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_dc_no_dnext_h", "lstm", "lstm_step_backward",
      "dc is dnext_c alone: the path from next_h through tanh(next_c) into the cell state is dropped "
      "(only the output gate's block of da is right).",
      [r"(path|route|contribution|gradient).{0,40}(from|through|via) (next_h|the hidden|tanh)",
       r"(missing|forgot|without|dropped|lacks|omit\w*).{0,60}(dnext_h|next_h|hidden state|tanh\s*\(\s*next_c)",
       r"only (the )?dnext_c", r"dnext_c (alone|only)", r"only the output gate'?s? block",
       r"(all|every) (block|gate)s? (but|except) (the )?output"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c.copy()
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
    E("ls_dc_minus", "lstm", "lstm_step_backward",
      "dc subtracts the path from next_h instead of adding it (a sign slip in one of its two terms).",
      SIGN + [r"subtract"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c - dnext_h * o * (1.0 - tanh_c ** 2)
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
    E("ls_weights_mean_N", "lstm", "lstm_step_backward",
      "dWx and dWh are divided by the batch size N (db, dx, dprev_h and dprev_c are right).",
      SCALE_N,
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N = x.shape[0]
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
          dWx = x.T @ da / N
          dWh = prev_h.T @ da / N
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("lb_dx_shifted", "lstm", "lstm_backward",
      "Each step's dx is stored in dx[:, t - 1] instead of dx[:, t] (step 0's lands in the last slot).",
      SHIFT + [r"dx\[:, ?t ?- ?1\]", r"wrap"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dx[:, t - 1] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_states_unpacked_swapped", "lstm", "lstm_backward",
      "Unpacks the step's outputs as (dx, dprev_c, dprev_h, ...): the hidden and cell gradients are "
      "carried in each other's place (and dh0 is the cell state's gradient).",
      SWAP_STATE + [r"(cell|\bc\b).{0,50}(hidden|\bh\b).{0,30}(instead|place|swap|order)",
                    r"(hidden|\bh\b).{0,50}(cell|\bc\b).{0,30}(instead|place|swap|order)",
                    r"unpack", r"(unpack\w*|returned|outputs?).{0,30}order"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_c, dprev_h, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dx[:, t] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh_last_only", "lstm", "lstm_backward",
      "Only the last step's upstream gradient dh[:, T-1] is fed in (as for a model that reads only "
      "the final output); the other steps' dh[:, t] are ignored.",
      [r"only (the )?(last|final) (time )?step'?s? (upstream|dh|gradient)", r"(earlier|other|every|remaining) steps?'? (upstream|dh|gradients?).{0,40}(ignor|missing|dropped|not|never)",
       r"(ignor|drop|miss|skip)\w* .{0,40}(upstream|dh\[:, ?t\]|dh)", r"(only|just) (the )?(final|last) (output|hidden state)",
       r"(upstream|dh).{0,40}only (at|for|from) (the )?(last|final)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          dprev_h = dh[:, T - 1].copy()
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh0_is_dc0", "lstm", "lstm_backward",
      "Returns dprev_c (the gradient on the initial cell state) where dh0 belongs.",
      [r"cell[- ]state", r"\bdc0\b", r"\bc0\b", r"dprev_c", r"(instead|in place) of (the )?(hidden|dh0)",
       r"(wrong|other) state"],
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
          return dx, dprev_c, dWx, dWh, db
      """),
    E("lb_dh_view_inplace", "lstm", "lstm_backward",
      "dnext_h = dh[:, t] is a view and dnext_h += dprev_h adds into the caller's dh in place; the "
      "values returned are right.",
      MUTATE + [r"view", r"copy"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dnext_h = dh[:, t]
              dnext_h += dprev_h
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh_reversed", "lstm", "lstm_backward",
      "Looping k = 0..T-1 with t = T-1-k, the upstream gradient is read as dh[:, k] instead of "
      "dh[:, t], so the steps receive dh reversed in time.",
      [r"revers", r"backwards", r"(mirror|flipp)\w* in time", r"T\s*-\s*1\s*-\s*t", r"opposite (end|order)",
       r"dh\[:, ?k\]", r"time order", r"order in time", r"reversed order"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for k in range(T):
              t = T - 1 - k
              dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, k] + dprev_h, dprev_c, cache[t])
              dx[:, t] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("hb_no_abs", "lstm", "huber_backward",
      "The region test is r <= delta instead of |r| <= delta, so large negative errors (r < -delta) "
      "get the quadratic gradient r instead of -delta.",
      [r"\babs", r"\|r\|", r"absolute", r"(large )?negative (errors|side|entries|r\b|residuals)", r"r\s*<\s*-\s*(delta|δ)",
       r"below\s*-\s*(delta|δ)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.where(r <= delta, r, delta * np.sign(r))
          return dloss * dr / r.size
      """),
    E("hb_mean_twice", "lstm", "huber_backward",
      "Divides by r.size twice (the mean applied a second time).",
      TWICE + FACTOR + [r"r\.size\s*(\*\*\s*2|²)", r"1\s*/\s*(r\.size|size|n)\b", r"number of entries",
                        r"size of r"],
      """
      def huber_backward(dloss, r, delta=1.0):
          n = r.size
          dr = np.clip(r, -delta, delta) / n
          # the loss is a mean over the entries
          return dloss * dr / n
      """),
    E("hb_smooth_l1", "lstm", "huber_backward",
      "Uses the smooth-L1 convention (r / delta inside, sign(r) outside): every value is 1/delta of the right one.",
      FACTOR + [r"1\s*/\s*(delta|δ)", r"divid\w* by (delta|δ)", r"smooth", r"(delta|δ) times",
                r"times (delta|δ)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.where(np.abs(r) <= delta, r / delta, np.sign(r))
          return dloss * dr / r.size
      """),
    E("hb_region_by_loss", "lstm", "huber_backward",
      "The quadratic region is tested on the loss value (0.5 * r**2 <= delta) instead of on |r|, "
      "so entries with delta < |r| <= sqrt(2 delta) get r instead of ±delta.",
      [r"threshold", r"boundary", r"border", r"sqrt\s*\(\s*2", r"√\s*\(?\s*2", r"(just|slightly) (outside|beyond|above|past)",
       r"(outside|beyond).{0,60}(treated|as if|like).{0,20}inside", r"region.{0,40}(too (wide|large|big)|wrong|extends)",
       r"loss (value|itself)", r"0\.5\s*\*?\s*r\s*(\*\*\s*2|²)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          quadratic = 0.5 * r ** 2 <= delta
          dr = np.where(quadratic, r, delta * np.sign(r))
          return dloss * dr / r.size
      """),
]
