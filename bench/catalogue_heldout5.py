"""A fifth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 by a helper that did not read the checks, the explainer, the
detectors, their tests, the grader's messages or any grader output. It read only
bench/catalogue_heldout2.py, catalogue_heldout3.py and catalogue_heldout4.py (for the format
and to avoid their slips), the docstring of bench/feedback_catalogue.py, the graded
functions' signatures, docstrings and worked solution cells, and /work/shared/CURRICULUM.md.
It was committed before any entry was run through the grader (no feedback_catalogue run, no
test cell, no pytest, no grading CLI). Each entry was checked only against the worked
solutions, with a throwaway script: it runs, returns float64 outputs of the right shapes,
and differs from the worked solution by more than 3% somewhere, on three seeds.

    python bench/feedback_catalogue.py bench/catalogue_heldout5.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the earlier held-out catalogues has (a mask computed
with clip, a cache tuple unpacked in the wrong order, a tanh derivative evaluated as
sech(output), the softmax Jacobian's diagonal used alone, a log in another base, an i/f
gate swap, the gates recomputed without their bias, a copy-pasted accumulation line, a slice
that writes every time step, a skip connection assumed where there is none, ...).
`accept` holds case-insensitive regular expressions; any one found in a failing message's
text about the answer counts as naming the mistake. They accept a correct description in
other words (a relation such as "-1 times the right one", "only the last time step is
wrong", "the forget and input gates' blocks are swapped", or the mistake's cause), never
only a location or an output's name.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the|their)? ?(input|argument|cache)",
          r"overwr", r"unchanged", r"new array", r"original values?", r"alias", r"same array"]
TWICE = [r"twice", r"two times", r"a second time", r"\bagain\b", r"counted (twice|two)",
         r"doubl\w* (count|applied)"]
RESHAPE = [r"reshap", r"scrambl", r"rearrang", r"permut", r"shuffl", r"(entries|values) (are )?in (the |a )?(wrong|other|different) (order|place)"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) step",
         r"(next|following|later|neighbou?ring|adjacent) step'?s? (upstream|dh)",
         r"one step (early|late|earlier|later|off|too)", r"\broll"]
REVERSED = [r"revers", r"mirror", r"backwards? in time", r"(time )?order of the (steps|caches)",
            r"(last|first) step'?s? cache", r"T\s*-\s*1\s*-\s*t"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small",
        r"factor (of )?(2|two)"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"factor (of )?(2|two)"]
ROWS_SHIFTED = [r"rows? (are )?(shifted|mixed|swapped|moved|off by one)", r"(previous|next|neighbou?ring|other) (row|example)'?s?",
                r"off[- ]by[- ]one", r"\broll", r"shift"]


CATALOGUE = [
    # ======================================================================== staged (10)
    E("st_sigx_times_dnum", "staged", "staged_backward",
      "The sigmoid(x) stage multiplies its local gradient by dnum (the numerator's gradient) "
      "instead of by the gradient arriving at sigx from the denominator.",
      [r"dnum", r"numerator'?s? (gradient|upstream)", r"(wrong|other) (upstream|incoming) (gradient|factor)",
       r"sig(moid\(?)?x\)?.{0,60}(numerator|instead of the denominator)",
       r"(from|of) the (numerator|wrong stage)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dxpy = 2.0 * xpy * dden
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dnum
          dx += dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_dy_minus_xpy", "staged", "staged_backward",
      "y's share of the gradient through x + y is taken with a minus sign, as if the stage were "
      "x - y; dx is right.",
      [r"x ?- ?y", r"(path|term|contribution|share) through (the )?(x ?\+ ?y|sum|square|denominator).{0,60}(sign|negat|minus|opposite|subtract)",
       r"(sign|negat|minus|opposite).{0,60}(path|term|contribution) through (the )?(x ?\+ ?y|sum|square|denominator)",
       r"subtract\w* (instead|where)", r"add gate.{0,40}(sign|minus|negat)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = -dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_reciprocal_with_invden", "staged", "staged_backward",
      "The derivative of 1/den is written with the cached reciprocal where den belongs: "
      "-1/invden**2 (that is -den**2) instead of -1/den**2.",
      [r"invden.{0,50}(instead|where|in place).{0,20}den", r"-?\s*den\s*\*\*\s*2",
       r"reciprocal.{0,40}(instead|where|in place|used|wrong)", r"(den|denominator) squared (instead|rather)",
       r"1\s*/\s*invden"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / invden ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = dxpy + sigx * (1.0 - sigx) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("ng_half_step", "staged", "numerical_gradient",
      "Steps to x +- h/2 but still divides by 2h: every value is half the right one.",
      HALF + [r"h\s*/\s*2", r"half (a |the )?step", r"step (is )?(half|too small)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h / 2
              f_plus = f(x)
              x[i] = old - h / 2
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("ng_first_axis_only", "staged", "numerical_gradient",
      "Loops over the first axis only (range(x.shape[0])), so for a 2-D x a whole row is "
      "perturbed at once and every entry of the row gets the row's summed partials.",
      [r"(whole|entire) row", r"(first|one) axis", r"shape\[0\]", r"(all|every) entr\w+ (of|in) (a|the|each) row",
       r"one entry at a time", r"row (sums?|total)", r"(sum|total) of (the |its )?row",
       r"(same|equal) (value|number) (along|across|in) (each|every|the) row"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in range(x.shape[0]):
              old = x[i].copy()
              x[i] = old + h
              f_plus = f(x)
              x[i] = old - h
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("mul_dy_through_dx", "staged", "mul_backward",
      "dy is computed from dx (already dout * y) times x instead of from dout times x, so it "
      "carries an extra factor y.",
      [r"extra factor", r"(times|multiplied by) y\b", r"from dx", r"dx (instead|in place|where) (of )?dout",
       r"x ?\* ?y ?\* ?dout", r"(both|the two) inputs'? product"],
      """
      def mul_backward(dout, x, y):
          dx = dout * y
          dy = dx * x
          return dx, dy
      """),
    E("max_y_against_zero", "staged", "max_backward",
      "y's mask tests y > 0 (a ReLU habit) instead of y > x, so y gets the gradient wherever "
      "it is positive, won or not.",
      [r"y ?> ?0", r"(positive|sign of) y", r"relu", r"compar\w+ (with|to|against) (0|zero)",
       r"(instead of|not) (whether|where) (y|it) (won|beat|is larger)", r"where y is positive"],
      """
      def max_backward(dout, x, y):
          dx = np.where(x > y, dout, 0.0)
          dy = np.where(y > 0, dout, 0.0)
          return dx, dy
      """),
    E("add_as_subtract", "staged", "add_backward",
      "The add gate's second input gets -dout, as for a subtract gate; dx is right.",
      NEGATED + [r"subtract", r"x ?- ?y", r"minus"],
      """
      def add_backward(dout, x, y):
          dx = dout.copy()
          dy = -dout
          return dx, dy
      """),
    E("sp_sech_not_squared", "staged", "softplus_circuit",
      "The derivative of tanh(y) is taken as sech(y) = 1/cosh(y) instead of sech(y)**2 = 1 - "
      "tanh(y)**2.",
      [r"sech", r"cosh", r"not squared", r"square (is )?(missing|forgotten|dropped)", r"tanh'?s? (derivative|local gradient)",
       r"derivative of (the )?tanh"],
      """
      def softplus_circuit(x, y, dg=1.0):
          u = x * y
          e = np.exp(u)
          soft = np.log(1.0 + e)
          t = np.tanh(y)
          num = x * t
          den = 1.0 + x ** 2
          frac = num / den
          g = soft + frac
          dnum = dg / den
          dden = -dg * num / den ** 2
          dx = dden * 2.0 * x + dnum * t
          dy = dnum * x / np.cosh(y)
          du = dg * e / (1.0 + e)
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    E("sp_dx_no_numerator", "staged", "softplus_circuit",
      "dx forgets x's use in the numerator x * tanh(y): only the paths through the softplus "
      "and through 1 + x**2 are added.",
      [r"(missing|forg[eo]t\w*|dropped|lacks|without|lost|omit).{0,60}(numerator|x ?\* ?tanh|tanh\(y\))",
       r"(numerator|x ?\* ?tanh).{0,50}(missing|dropped|lost|forgotten|left out|not added)",
       r"x (also )?(appears|is used) (three times|in the numerator|more than once|twice)",
       r"(third|direct) (use|path|contribution)", r"fork", r"a term (is )?missing"],
      """
      def softplus_circuit(x, y, dg=1.0):
          u = x * y
          e = np.exp(u)
          soft = np.log(1.0 + e)
          t = np.tanh(y)
          num = x * t
          den = 1.0 + x ** 2
          frac = num / den
          g = soft + frac
          dnum = dg / den
          dden = -dg * num / den ** 2
          dx = dden * 2.0 * x
          dy = dnum * x * (1.0 - t ** 2)
          du = dg * e / (1.0 + e)
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),

    # ======================================================================== sigmoid (8)
    E("sg_dx_skips_local", "sigmoid", "sigmoid_layer_backward",
      "dx is sent back from the upstream dz instead of from da = dz * z(1 - z): the sigmoid's "
      "local gradient is missing in dx only (dW is right).",
      [r"dx.{0,80}(without|missing|forgets?|skips?|lacks).{0,40}(local|sigmoid|z ?\(1 ?- ?z\)|derivative)",
       r"(local gradient|sigmoid'?s? derivative|z ?\(1 ?- ?z\)).{0,60}(missing|forgotten|skipped|not applied).{0,30}dx",
       r"dx.{0,40}(from|uses) (the )?(upstream )?dz", r"only dW is right", r"dW is right"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ dz
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_local_added", "sigmoid", "sigmoid_layer_backward",
      "The local gradient z(1 - z) is added to the upstream gradient instead of multiplied: "
      "da = dz + z(1 - z).",
      [r"\badd(ed|s)? (to|instead)", r"instead of multipl", r"sum (instead|rather) of (a )?product",
       r"plus (the )?local", r"dz ?\+ ?z", r"not multiplied"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z * (1.0 - z)
          da = dz + local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dx_vector_and_loop", "sigmoid", "sigmoid_layer_backward",
      "dx starts as the vectorised W.T @ da and a leftover loop over the units adds every unit's "
      "contribution again: dx is twice the right one.",
      DOUBLE + TWICE,
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.zeros_like(W)
          for i in range(W.shape[0]):
              dW[i] = da[i] * x
              dx += W[i] * da[i]
          return dx, dW
      """),
    E("sg_loop_stops_early", "sigmoid", "sigmoid_layer_backward",
      "A loop over the units runs range(H - 1), so the last unit's contribution is missing from "
      "dx and its row of dW stays zero.",
      [r"last (unit|row)", r"range\(H ?- ?1\)", r"loop (bound|stops|ends)", r"one (unit|row) (short|missing|too few)",
       r"(unit|row) H ?- ?1", r"(missing|zero|left out|skipped).{0,40}last", r"off[- ]by[- ]one"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          dx = np.zeros(D)
          dW = np.zeros((H, D))
          for i in range(H - 1):
              da_i = dz[i] * z[i] * (1.0 - z[i])
              dx += W[i] * da_i
              dW[i] = da_i * x
          return dx, dW
      """),
    E("sg_dx_times_x", "sigmoid", "sigmoid_layer_backward",
      "dx is multiplied elementwise by the input x (a product rule applied where none belongs): "
      "W.T @ da * x.",
      [r"(extra|spurious) factor", r"(multiplied|times) (elementwise )?by (the input )?x\b", r"(times|by) the input",
       r"product rule", r"x ?\* ?\(?W"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = (W.T @ da) * x
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sf_worst_unit", "sigmoid", "saturated_fraction",
      "Returns the largest per-unit saturated fraction (the worst unit's share over the examples) "
      "instead of the fraction of all N * H pairs.",
      [r"(worst|largest|most saturated|max\w*) (unit|column)", r"per[- ]unit", r"one unit",
       r"np\.max", r"max(imum)? over (the )?units", r"instead of (over )?all (the )?(N ?\* ?H )?pairs"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          per_unit = np.mean(local < tol, axis=0)
          return float(np.max(per_unit))
      """),
    E("sf_sigmoid_twice", "sigmoid", "saturated_fraction",
      "Applies the sigmoid twice (sigmoid of the sigmoid's output), so z lies in (0.5, 0.74) and "
      "no pair is ever counted saturated.",
      TWICE + [r"sigmoid of (the )?sigmoid", r"(always|every time) (0|zero)", r"never (counts?|saturat)",
               r"(0\.5|one half).{0,20}0\.7"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          Z = sigmoid(Z)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    E("sf_divide_by_ND", "sigmoid", "saturated_fraction",
      "Divides the count of saturated pairs by N * D (inputs) instead of N * H (units).",
      [r"N ?\* ?D\b", r"(inputs|input size|D) instead of (the )?(units|H)", r"D ?/ ?H", r"H ?/ ?D",
       r"(number of )?inputs.{0,30}(instead|where).{0,30}units", r"divided by (the )?(wrong|number of inputs)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          N, D = X.shape
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.sum(local < tol) / (N * D))
      """),

    # ======================================================================== relu (8)
    E("rl_clip_mask", "relu", "relu_backward",
      "The mask is np.clip(a, 0, 1) instead of the indicator a > 0, so where 0 < a < 1 the "
      "gradient is scaled by a instead of passed whole.",
      [r"clip", r"(scaled|multiplied) by a\b", r"0 ?< ?a ?< ?1", r"between 0 and 1", r"(only )?where a ?(>=|>|≥) ?1",
       r"(small|below 1) positive"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = dout * np.clip(a, 0.0, 1.0)
          return da
      """),
    E("rl_mask_only", "relu", "relu_backward",
      "Returns the 0/1 mask (a > 0) as a float array, forgetting to multiply it by dout.",
      [r"(forg[eo]t\w*|without|missing|not multiplied by|ignores?|never uses?) (to multiply (it )?by )?(the )?(upstream|dout)",
       r"(mask|indicator) itself", r"(only|just) (0|zero)s? and (1|one)s?", r"0 or 1", r"(0|zero)s and (1|one)s",
       r"independent of dout"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = (a > 0).astype(np.float64)
          return da
      """),
    E("lk_divides_by_slope", "relu", "leaky_relu_backward",
      "On the negative side the gradient is dout / slope instead of slope * dout.",
      [r"divid\w* by (the )?slope", r"/ ?slope", r"1 ?/ ?slope", r"slope'?s? (inverse|reciprocal)",
       r"reciprocal", r"slope\W*2"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          return np.where(a > 0, dout, dout / slope)
      """),
    E("lk_cache_unpacked_swapped", "relu", "leaky_relu_backward",
      "Unpacks the cache as (slope, a), so the mask is the scalar test slope > 0 and the "
      "gradient passes unchanged everywhere (the negative side gets dout, not slope * dout).",
      [r"unpack", r"cache.{0,40}(order|swapped|reversed)", r"(passes|passed|returns?) (dout|the upstream( gradient)?) (unchanged|through|everywhere)",
       r"equals? (dout|the upstream)", r"(no|missing) slope", r"slope (is )?(never|not) (applied|used)",
       r"negative (side|entries).{0,40}(dout|unchanged|not scaled)"],
      """
      def leaky_relu_backward(dout, cache):
          slope, a = cache
          return np.where(a > 0, dout, slope * dout)
      """),
    E("pr_dalpha_abs_a", "relu", "prelu_backward",
      "dalpha sums dout * |a| over the negative entries (the sign of a is dropped), which is the "
      "negative of the right value.",
      NEGATED + [r"\|a\|", r"abs(olute)?", r"sign of a"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, np.abs(a) * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr_dalpha_no_a", "relu", "prelu_backward",
      "dalpha sums dout over the negative entries, forgetting the factor a (alpha multiplies a "
      "in the forward pass).",
      [r"(forg[eo]t\w*|without|missing|drop\w*|lacks?) (the )?(factor|input) a\b", r"not multiplied by a\b",
       r"(factor|input) a (is )?(missing|forgotten|dropped)", r"(only|just) (the )?sum of dout", r"times a\b"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("dn_alive_fraction", "relu", "dead_neuron_fraction",
      "Returns the fraction of units that are alive (positive on some example), 1 minus the "
      "right fraction.",
      [r"1 ?- ", r"one minus", r"complement", r"alive", r"active (units|ones)", r"(inverted|opposite)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          alive = np.any(pre > 0, axis=0)
          return float(np.mean(alive))
      """),
    E("dn_divide_by_N", "relu", "dead_neuron_fraction",
      "Divides the number of dead units by N (the examples) instead of H (the units).",
      [r"\bby N\b", r"(examples|batch size|N) instead of (the )?(units|H)", r"H ?/ ?N", r"N ?/ ?H",
       r"number of examples", r"wrong denominator"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(np.sum(dead) / X.shape[0])
      """),

    # ======================================================================== rnn (10)
    E("rr_mask_direct_only", "rnn", "relu_rnn_backward",
      "The ReLU mask is applied to dhs[t] only; the gradient carried from the later step is "
      "added after the mask, unmasked.",
      [r"carr\w*.{0,60}(unmasked|not masked|after the mask|outside the mask|skips? the mask|without the mask)",
       r"mask.{0,60}(only|just) (to )?(dhs|the direct|the upstream)",
       r"(later|next) steps?'? gradient.{0,40}(not masked|unmasked|bypass)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = dhs[t] * (hs[t] > 0) + carry
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr_dWhh_unmasked", "rnn", "relu_rnn_backward",
      "dWhh accumulates the outer product of the gradient before the ReLU mask (dhs[t] + carry); "
      "the carry sent back uses the masked one, so dh0 is right.",
      [r"dWhh.{0,60}(unmasked|before the mask|without the mask|not masked|skips? the mask)",
       r"(mask|relu).{0,60}(missing|forgotten|skipped).{0,30}dWhh", r"only dh0 is right", r"dh0 is right"],
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
              dWhh += np.outer(g, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rs_dWx_skips_local", "rnn", "rnn_step_backward",
      "dWx is built from the upstream dnext_h instead of from da (the tanh's local gradient is "
      "skipped in dWx only).",
      [r"dWx.{0,80}(without|missing|forgets?|skips?|lacks).{0,40}(local|tanh|1 ?- ?next_h|derivative)",
       r"(local gradient|tanh'?s? derivative).{0,60}(missing|forgotten|skipped|not applied).{0,30}dWx",
       r"dWx.{0,40}(from|uses) (the )?(upstream )?dnext_h"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ dnext_h
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_sech_of_output", "rnn", "rnn_step_backward",
      "The tanh's local gradient is written sech(.)**2 but evaluated at the output next_h "
      "(1/cosh(next_h)**2) instead of at the pre-activation.",
      [r"sech", r"cosh", r"(at|of|on) (the )?output", r"(instead of|not) (at )?the pre-?activation",
       r"next_h (instead|where|in place)", r"tanh'?s? (derivative|local gradient) (at|of|on) (the )?(wrong|output)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h / np.cosh(next_h) ** 2
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb_dh0_is_step0_input", "rnn", "rnn_backward",
      "dh0 is returned as the gradient given to step 0 (dh[:, 0] plus the carry) instead of what "
      "step 0 sends back through Wh.",
      [r"(gradient|input) (given|fed|passed) to step 0", r"dh\[:, ?0\]", r"(one step|a step) (too late|short|early)",
       r"(before|without) (going|passing|backpropagat\w*) (back )?through (step 0|Wh|the first step)",
       r"(not|never) (sent|carried|passed) (back )?through (Wh|step 0)", r"h\[:, ?0\]'?s? gradient"] + SHIFT,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dcur = dh[:, t, :] + dprev
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dcur, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dcur, dWx, dWh, db
      """),
    E("rb_dx_reversed", "rnn", "rnn_backward",
      "Each step's dx is stored at dx[:, T - 1 - t] instead of dx[:, t]: dx is reversed in time "
      "(the other outputs are right).",
      REVERSED,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for k, t in enumerate(reversed(range(T))):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, k, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("cn_rms", "rnn", "clip_grad_norm",
      "total_norm is the root mean square of all entries (divided by their count) instead of the "
      "square root of their sum of squares.",
      [r"root mean square", r"\brms\b", r"mean (of the )?squares", r"divid\w* by the (number|count) of (entries|elements)",
       r"sqrt\(\s*(number|count|size)", r"average (instead|rather)"],
      """
      def clip_grad_norm(grads, max_norm):
          squares = np.concatenate([g.ravel() ** 2 for g in grads.values()])
          total_norm = float(np.sqrt(np.mean(squares)))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cn_max_abs", "rnn", "clip_grad_norm",
      "total_norm is the largest absolute entry (the max norm) instead of the L2 norm of all "
      "entries.",
      [r"(largest|max\w*) (absolute )?(entry|value|element)", r"max[- ]norm", r"infinity", r"\binf\b", r"L2",
       r"not the (euclidean|2-?)norm"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(max(np.max(np.abs(g)) for g in grads.values()))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cv_sign_times_value", "rnn", "clip_grad_value",
      "Returns np.sign(g) * clip_value, setting every entry to +-clip_value instead of clipping "
      "only the entries outside the range.",
      [r"np\.sign", r"sign\(g\)", r"(only|just) (the|their|its) signs?", r"(every|all) entr\w+ (is |are |set to |becomes? )?(\+-|±|plus or minus)?\s*clip_value",
       r"(small|inside|within).{0,40}(entries|values).{0,40}(changed|not kept|pushed|set)",
       r"(entries|values) (inside|within) (the )?range (are )?(changed|not kept)"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.sign(g) * clip_value for name, g in grads.items()}
      """),
    E("sr_no_sqrt", "rnn", "spectral_radius",
      "Returns the largest a**2 + b**2 over the eigenvalues a + bi (the squared modulus: the "
      "square root is forgotten).",
      [r"squar\w+", r"sqrt", r"square root", r"\*\* ?2", r"\bsquared (modulus|magnitude|absolute)"],
      """
      def spectral_radius(W):
          ev = np.linalg.eigvals(W)
          return float(np.max(ev.real ** 2 + ev.imag ** 2))
      """),

    # ======================================================================== softmax (17)
    E("af_dx_rows_shifted", "softmax", "affine_backward",
      "A loop over the rows computes dx[n] from dout[n - 1] (an index typo), so each row of dx is "
      "the previous example's and row 0 takes the last one's.",
      ROWS_SHIFTED,
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dx = np.zeros(x.shape)
          for n in range(N):
              dx[n] = dout[n - 1] @ W.T
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_dW_plus_W", "softmax", "affine_backward",
      "dW adds W itself (a weight-decay term from another exercise) to x.T @ dout.",
      [r"weight[- ]decay", r"regulari[sz]", r"(extra|additional|spurious) term", r"(adds?|plus|added) W\b",
       r"W itself", r"(differs?|off) by (exactly )?W\b", r"\bL2\b"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout + W
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_dW_loop_from_one", "softmax", "affine_backward",
      "dW accumulates the examples' outer products in a loop that starts at 1, so the first "
      "example's contribution is missing.",
      [r"(first|row 0|example 0).{0,40}(missing|left out|skipped|forgotten|not added)",
       r"(missing|skips?|left out|without).{0,40}(first (row|example)|row 0|example 0)",
       r"range\(1", r"starts? at 1", r"off[- ]by[- ]one", r"loop (bound|start)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = np.zeros(W.shape)
          for n in range(1, x.shape[0]):
              dW += np.outer(x[n], dout[n])
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_dx_over_N", "softmax", "affine_backward",
      "dx is divided by the batch size N (dW and db are right).",
      [r"1\s*/\s*N", r"divid\w* by (the batch size|N)", r"\bN times (too )?small",
       r"averag\w* over (the )?(batch|rows|examples)", r"mean over (the )?(batch|rows|examples)", r"batch size"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dx = dout @ W.T / N
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("ce_probs_over_batch", "softmax", "softmax_cross_entropy_backward",
      "dlogits recomputes the probabilities with a softmax over axis 0 (over the batch, per "
      "class) instead of over each row's classes; dlabels is right.",
      [r"axis ?(=|0)", r"(over|across) the (batch|examples|rows|columns)", r"(per|each) class (instead|rather)",
       r"column[- ]wise", r"wrong axis", r"(columns|classes) (sum|add up) to 1"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          e = np.exp(logits - logits.max(axis=0, keepdims=True))
          p = e / e.sum(axis=0, keepdims=True)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (p * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_dlabels_times_labels", "softmax", "softmax_cross_entropy_backward",
      "dlabels is multiplied by the labels themselves (-labels * log p / N): the derivative of "
      "labels * log p keeps the factor it differentiates by.",
      [r"(times|multiplied by) (the )?labels", r"labels (themselves|itself)", r"extra factor",
       r"zero where (the )?labels? (is|are) zero", r"(keeps|kept) the (factor|labels)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * labels * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_row_max", "softmax", "softmax_cross_entropy_backward",
      "The row sums of the labels are taken with max instead of sum (labels.max(axis=1)), which "
      "is right only for one-hot rows.",
      [r"\bmax\b", r"largest label", r"(instead of|not) (the )?(row'?s? )?sum",
       r"(right|correct) (only )?(for|on|with) one-?hot", r"one-?hot (rows|labels) (are )?(right|correct)",
       r"wrong (only )?(for|on|with) (the )?soft", r"row sums?.{0,40}(wrong|instead)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.max(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_jacobian_diagonal", "softmax", "softmax_cross_entropy_backward",
      "dlogits chains -labels / p through the softmax's derivative taken elementwise, p(1 - p), "
      "using only the diagonal of the softmax's Jacobian: -labels * (1 - p) / N.",
      [r"diagonal", r"jacobian", r"elementwise (derivative|chain)", r"p ?\(1 ?- ?p\)", r"off-?diagonal",
       r"other classes'? (terms?|contributions?)", r"(couples|couple|coupling)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dprobs = -labels / probs
          dlogits = dloss * dprobs * probs * (1.0 - probs) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_dlabels_batch_mean", "softmax", "softmax_cross_entropy_backward",
      "dlabels averages -log p over the batch (axis 0) and gives every row the same values, "
      "instead of each row's own -log p / N.",
      [r"(every|each|all) rows? (gets?|has|have|holds?) the same", r"(same|identical) (for|in) every row",
       r"averag\w*.{0,30}over (the )?(batch|rows|examples)", r"mean over (the )?(batch|rows|examples|axis 0)",
       r"every row the same",
       r"rows? (are )?(mixed|averaged)", r"broadcast"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = np.zeros_like(labels)
          dlabels[:] = -dloss * np.log(probs).mean(axis=0) / N
          return dlogits, dlabels
      """),
    E("ce_rowsum_both_terms", "softmax", "softmax_cross_entropy_backward",
      "The row sum multiplies both terms, (probs - labels) * row_sums, instead of the "
      "probabilities only.",
      [r"(both|the two) terms", r"labels (are |is )?(also )?(multiplied|scaled|times) (by )?(the )?row",
       r"row sums?.{0,40}(labels|both|whole|difference)", r"precedence", r"parenthes"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs - labels) * row_sums / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_log10", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses np.log10 instead of the natural log: every value is 1/ln(10) = 0.434 times "
      "the right one.",
      [r"log10", r"base[- ]?10", r"(natural|wrong|another) (log|base)", r"0\.43", r"ln ?\(?10", r"2\.30"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log10(probs) / N
          return dlogits, dlabels
      """),
    E("mb_labels_term_missing", "softmax", "mlp_backward",
      "Written out by hand, the gradient on the logits is probs * row_sums / N: the labels' term "
      "is forgotten.",
      [r"labels'? term", r"(forgot|missing|without|drop\w*|lacks?).{0,30}labels", r"labels.{0,30}(missing|forgotten|dropped|not subtracted)",
       r"(subtract|minus) (the )?labels", r"a term (is )?missing"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          dlogits = dloss * probs * labels.sum(axis=1, keepdims=True) / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_sigmoid_prime_for_relu", "softmax", "mlp_backward",
      "The ReLU's backward uses the sigmoid's local gradient h(1 - h) on the ReLU's output (a "
      "habit from the sigmoid notebook) instead of the 0/1 indicator.",
      [r"sigmoid", r"h ?\(1 ?- ?h\)", r"(instead of|not) (the )?(0/1|indicator|mask|relu'?s?)",
       r"relu'?s? (derivative|local gradient|backward).{0,40}(wrong|instead)", r"(another|wrong) activation"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          h = np.maximum(0.0, relu_cache)
          da = dh * h * (1.0 - h)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_minus_dloss", "softmax", "mlp_backward",
      "Calls the loss's backward with -dloss (the descent direction), so every gradient is the "
      "negative of the right one.",
      NEGATED + [r"-\s*dloss", r"descent"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(-dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_bias_added_again", "softmax", "mlp_backward",
      "Written out by hand, the hidden activations are recomputed as max(0, relu_cache + b1), "
      "adding the first bias a second time, and dW2 and the mask use them.",
      TWICE + [r"bias.{0,40}(added|counted|included) (twice|again|a second time)", r"b1.{0,40}(twice|again|extra)",
               r"(hidden|activations?|h\b).{0,40}(recomputed|wrong).{0,40}bias"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          _, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          a = relu_cache + b1
          h = np.maximum(0.0, a)
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (a > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_dloss_over_N", "softmax", "mlp_backward",
      "Passes dloss / N to the loss's backward, which already divides by N: every gradient is "
      "1/N of the right one (the mean taken twice).",
      TWICE + [r"1\s*/\s*N", r"divid\w* by N", r"\bN times (too )?small", r"mean (applied|taken)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          N = relu_cache.shape[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss / N, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_times_preactivation", "softmax", "mlp_backward",
      "The ReLU's backward multiplies the hidden gradient by the pre-activation relu_cache "
      "itself instead of by the 0/1 indicator relu_cache > 0.",
      [r"pre-?activation (itself|values?)", r"(multiplied|times|scaled) by (the )?(pre-?activation|relu'?s? input|a\b)",
       r"(instead of|not) (by )?(the )?(0/1|indicator|mask)", r"negative (side|entries|units).{0,40}(not zero|nonzero|negative)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * relu_cache
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (17)
    E("ls_i_f_swapped", "lstm", "lstm_step_backward",
      "The gate gradients are concatenated in the order f, i, o, g: the input and forget gates' "
      "blocks are swapped.",
      [r"(input|forget|i|f)( gate'?s?)? (and|/) (the )?(forget|input|f|i)( gates?'?s?)? (blocks? )?(are )?(swapped|exchanged|in each other'?s? place)",
       r"swap\w*.{0,40}(input|forget)", r"gates? (are )?(in (the|a) )?(wrong|another|different) order",
       r"order of the gates", r"f, ?i, ?o, ?g", r"i ?/ ?f"],
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
          da = np.concatenate([df * f * (1.0 - f), di * i * (1.0 - i),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_g_tanh_again", "lstm", "lstm_step_backward",
      "The candidate's local gradient is 1 - tanh(g)**2, applying tanh again to g, which is "
      "already a tanh output.",
      TWICE + [r"tanh\(g\)", r"tanh of (the )?(candidate|g\b|its output)", r"(candidate|g)'?s? (block|local gradient).{0,40}(wrong|tanh)"],
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
                               do * o * (1.0 - o), dg * (1.0 - np.tanh(g) ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_gates_recomputed_no_bias", "lstm", "lstm_step_backward",
      "The gates' local gradients are taken from gates recomputed from x @ Wx + prev_h @ Wh "
      "without the bias b (not in the cache), instead of from the cached i, f, o, g.",
      [r"(without|missing|forgot\w*|no|lacks?|omit\w*|leav\w* out) (the )?bias", r"bias (is |was )?(missing|forgotten|left out|not (included|added))",
       r"\bb\b.{0,30}(missing|forgotten|left out)", r"recomput\w+",
       r"(instead of|not) (from )?the cached (gates|i, f, o, g|values)", r"pre-?activation (is )?(wrong|missing)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          H = prev_h.shape[1]
          a = x @ Wx + prev_h @ Wh
          si = sigmoid(a[:, :H])
          sf = sigmoid(a[:, H:2 * H])
          so = sigmoid(a[:, 2 * H:3 * H])
          tg = np.tanh(a[:, 3 * H:])
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * si * (1.0 - si), df * sf * (1.0 - sf),
                               do * so * (1.0 - so), dg * (1.0 - tg ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_dc_extra_tanh", "lstm", "lstm_step_backward",
      "The path from next_h into the cell state carries an extra factor tanh(next_c): "
      "dnext_h * o * tanh_c * (1 - tanh_c**2).",
      [r"extra factor", r"tanh\(next_c\).{0,40}(extra|again|twice|too many)", r"(times|multiplied by) tanh",
       r"product rule"] + TWICE,
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * tanh_c * (1.0 - tanh_c ** 2)
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
    E("ls_df_from_dprev_c", "lstm", "lstm_step_backward",
      "The forget gate's gradient is computed from dprev_c (already dc * f) instead of dc, so "
      "the forget gate's block carries an extra factor f.",
      [r"dprev_c (instead|where|in place)", r"extra factor (of )?f\b", r"(times|multiplied by) f\b",
       r"forget gate'?s? (block|gradient).{0,40}(f\b|forget gate).{0,20}(again|twice|extra)", r"f\s*\*\*\s*2",
       r"(wrong|later) stage"] + TWICE,
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          dprev_c = dc * f
          df = dprev_c * prev_c
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
    E("ls_dprev_h_skip", "lstm", "lstm_step_backward",
      "dprev_h adds dnext_h to da @ Wh.T, as if prev_h also reached next_h directly (a skip "
      "connection that the LSTM does not have).",
      [r"skip", r"residual", r"(plus|adds?|added) dnext_h", r"extra term", r"(differs?|off) by (exactly )?(dnext_h|the upstream)",
       r"direct (path|connection)", r"identity"],
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
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T + dnext_h
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_g_local_sign", "lstm", "lstm_step_backward",
      "The candidate's local gradient is written g**2 - 1 instead of 1 - g**2: the candidate's "
      "block has the wrong sign.",
      NEGATED + [r"g ?\*\* ?2 ?- ?1", r"(candidate|g)'?s? block.{0,40}(sign|negat|minus|opposite)"],
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
                               do * o * (1.0 - o), dg * (g ** 2 - 1.0)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_di_from_dnext_c", "lstm", "lstm_step_backward",
      "The input gate's gradient uses dnext_c (the cell gradient before the path from next_h is "
      "added) instead of the full dc; the other blocks are right.",
      [r"dnext_c (instead|where|in place|alone|only)", r"(uses|from) dnext_c", r"before the (path|term) from next_h", r"input gate'?s? (block|gradient).{0,60}(missing|forgets?|without|lacks).{0,40}(next_h|dnext_h|path)",
       r"(path|term) (from|through) next_h.{0,40}(missing|forgotten|dropped).{0,40}input gate",
       r"(only|just) the input gate'?s? block"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          di = dnext_c * g
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
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
    E("ls_db_first_row", "lstm", "lstm_step_backward",
      "db takes the first example's row of da only, forgetting that the bias is added to every "
      "row (the other outputs are right).",
      [r"first (row|example)", r"(only|just) (one|the first) (row|example)", r"row 0",
       r"sum over (the )?(batch|rows|examples).{0,20}(missing|forgotten)", r"(not|never) summed"],
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
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da[0].copy()
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("lb_dx_every_slot", "lstm", "lstm_backward",
      "dx[:, :] = dx_t writes each step's dx into every time step, so all of dx holds the last "
      "one written (step 0's); only time step 0 is right.",
      [r"(every|all|each) (time )?steps? (of dx )?(hold|holds|have|has|get|gets|are) the same",
       r"(only|just) (the )?(first )?(time )?step 0 (is )?right", r"only (the )?first (time )?step (is )?right",
       r"step 0'?s? (value|dx|gradient)", r"(same|identical) (for|at|in) every (time )?step", r"overwr"],
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
              dx[:, :] = dx_t[:, None, :]
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_c_carry_starts_with_dh", "lstm", "lstm_backward",
      "The cell-state carry is initialised with dh[:, T-1] instead of zeros, as if the last "
      "hidden state's gradient also arrived on the last cell state.",
      [r"(cell|c)[- ]?(state )?(carry|gradient).{0,60}(start|initiali[sz]|begin)\w*.{0,40}(dh|upstream|not zero|nonzero)",
       r"dnext_c.{0,40}(last step|T ?- ?1).{0,40}(not zero|nonzero|should be zero|dh)",
       r"(last|final) (cell|c)\b.{0,40}(gradient|upstream)", r"(not|never) zero(s)? (after|at) the last step",
       r"extra (gradient|term) (on|into) the (last )?cell"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), dh[:, T - 1].copy()
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dWh_line_twice", "lstm", "lstm_backward",
      "A copy-pasted line accumulates dWh_t twice and db_t never: dWh is twice the right one and "
      "db stays zero.",
      DOUBLE + TWICE + [r"copy", r"db.{0,30}(zero|never|not accumulated|missing)"],
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
              dWh += dWh_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_skips_last_step", "lstm", "lstm_backward",
      "The loop is reversed(range(T - 1)): the last time step is never backpropagated, so "
      "dx[:, T-1] stays zero, its weight terms are missing and its dh never enters.",
      [r"last (time )?step.{0,40}(never|not|missing|skipped|zero|left out)", r"range\(T ?- ?1\)",
       r"(skips?|misses|missing|without) (the )?last (time )?step", r"off[- ]by[- ]one", r"loop (bound|range|stops)",
       r"dx\[:, ?T ?- ?1\].{0,20}zero"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T - 1)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh_into_cell", "lstm", "lstm_backward",
      "Each step's upstream dh[:, t] is also added into the cell-state gradient dnext_c, as if "
      "the loss read the cell state too.",
      [r"(dh|upstream( gradient)?).{0,50}(also )?(added|fed|passed|given) (in)?to (the )?(cell|dnext_c|c\b)",
       r"cell[- ]state (gradient|carry).{0,40}(extra|dh|upstream)", r"extra (term|gradient) (on|in|into) the cell",
       r"as if the loss (read|used|saw) the cell"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c + dh[:, t], cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("hb_inside_half", "lstm", "huber_backward",
      "Inside |r| <= delta the gradient keeps the loss's 0.5: 0.5 * r instead of r (half the "
      "right value there; the outside is right).",
      HALF + [r"0\.5 ?\* ?r", r"(inside|quadratic).{0,60}(half|0\.5)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, 0.5 * r, delta * np.sign(r))
          return dloss * dr / r.size
      """),
    E("hb_outside_no_delta", "lstm", "huber_backward",
      "Outside |r| <= delta the gradient is sign(r) instead of delta * sign(r) (delta forgotten; "
      "right only for delta = 1).",
      [r"(forgot|missing|without|drop\w*|lacks?).{0,30}delta", r"delta.{0,30}(missing|forgotten|dropped|not multiplied)",
       r"sign\(r\)", r"(only|just) (right|correct) (for|when) delta ?= ?1", r"(±|\+-|plus or minus) ?1\b",
       r"1 ?/ ?delta", r"(outside|linear).{0,50}(factor|times) delta"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          return dloss * np.where(inside, r, np.sign(r)) / r.size
      """),
    E("hb_dloss_ignored", "lstm", "huber_backward",
      "The upstream gradient dloss is never multiplied in: the result is the gradient for "
      "dloss = 1 whatever dloss is.",
      [r"dloss.{0,40}(ignored|not used|never|missing|forgotten|not multiplied)", r"(ignores?|without|forgot|missing) (the )?(upstream|dloss)",
       r"1\s*/\s*dloss", r"as if dloss (were|was|is) 1", r"(upstream|dloss) (factor )?(is )?(missing|dropped)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return np.clip(r, -delta, delta) / r.size
      """),
]
