"""A fourth held-out catalogue of wrong implementations (issue #27), written blind.

Written without reading the checks, the explainer, the detectors, their tests or the earlier
catalogues other than bench/catalogue_heldout2.py and bench/catalogue_heldout3.py (read only
for their format and to avoid their 173 slips), and committed before any entry was run
through the grader: it measures how often the feedback names a mistake nobody wrote a
detector or a relation for.

    python bench/feedback_catalogue.py bench/catalogue_heldout4.py

Each entry is a whole wrong solution cell, written the way a student slips, and each is a
different slip from those of catalogue_heldout2 and catalogue_heldout3 (a cached stage used
one stage too far, an operator-precedence slip, a reshape where a transpose belongs, an
integer buffer that truncates, a buffer reused so every step aliases the last one written,
a carry accumulated instead of replaced, a mask or normalization taken over the wrong axis,
a cache list walked in the wrong order, the mean applied in only one region, the gradient
of a similar but different function, ...). `accept` holds case-insensitive regular
expressions; any one found in a failing message's text about the answer counts as naming
the mistake. They accept a correct description in other words (a relation such as
"1/N of the right one", "only the last time step is right", "the output gate's block is
wrong", or the mistake's cause), never only a location.
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


CATALOGUE = [
    # ======================================================================== staged (10)
    E("st_dxpy_from_square", "staged", "staged_backward",
      "The square's local gradient is computed from the squared stage xpysqr (2 * (x + y)**2) "
      "instead of from its input x + y.",
      [r"xpysqr", r"squared (stage|value|term)", r"(x ?\+ ?y) ?\*\* ?2.{0,40}(instead|where|in place)",
       r"(output|result) of the square", r"square'?s? (output|result)",
       r"(stage|cached value).{0,30}(after|too far|one (stage|step) (too far|late))"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpysqr * dxpysqr
          dx = dxpy + sigx * (1.0 - sigx) * dsigx + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_dinvden_copy_paste", "staged", "staged_backward",
      "Copy-paste from the line above: the gradient on invden is invden * df instead of "
      "num * df (the other factor of the product).",
      [r"other factor", r"copy", r"invden.{0,40}(instead|in place|where).{0,20}num",
       r"num(erator)?.{0,30}(missing|instead|replaced|should)", r"own (value|factor)",
       r"product'?s? (other|second) (factor|input)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = invden * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_dx_no_numerator", "staged", "staged_backward",
      "dx forgets x's direct use in the numerator num = x + sigy (its contribution dnum is "
      "never added); dy is right.",
      [r"(missing|forgot|dropped|lacks|without|lost|omit).{0,60}(numerator|\bnum\b|dnum|x ?\+ ?sig)",
       r"(numerator|\bnum\b|dnum).{0,50}(missing|dropped|lost|forgotten|left out|not added)",
       r"x (also )?(appears|is used) (three times|in the numerator|more than once)",
       r"(third|direct) (use|path|contribution)", r"fork"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_sigy_at_input", "staged", "staged_backward",
      "The local gradient of sigmoid(y) is evaluated with y itself, y * (1 - y), instead of "
      "with the cached sigmoid sigy.",
      [r"\by ?\* ?\(1 ?- ?y\)", r"(raw|the) input y", r"(instead of|not) (at |on )?(the )?sig(moid|y)",
       r"sigy.{0,40}(instead|not used|missing)", r"sigmoid('?s)? (input|argument) (instead|where|in place)",
       r"before (applying )?the sigmoid"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + y * (1.0 - y) * dnum
          return dx, dy
      """),
    E("st_dx_dy_alias", "staged", "staged_backward",
      "dx and dy both start as the same array dxpy (no copy), so the in-place additions for x "
      "and for y land in one array and both outputs hold the sum of every term.",
      [r"alias", r"same (array|object)", r"copy", r"(dx|dy) (and|equals|is the same as|is identical to) (dy|dx)",
       r"(dx|dy) (is|are|equal|equals) (also )?(each other|identical|the same)",
       r"(both|each) (outputs?|gradients?) (hold|holds|contain|get)s? .{0,40}(other|both|all)",
       r"the other'?s? (terms?|contributions?)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy
          dy = dxpy
          dx += sigx * (1.0 - sigx) * dden
          dx += dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_df_numerator_only", "staged", "staged_backward",
      "df multiplies the numerator's gradient but is forgotten in the denominator's "
      "(dinvden = num): only the paths through the numerator are scaled by the upstream gradient.",
      [r"\bdf\b.{0,40}(not|never|missing|forg|ignor|only|without)", r"(not|never|without|missing|ignor\w*).{0,40}(\bdf\b|upstream)",
       r"upstream.{0,40}(not|only|missing|ignor)", r"(denominator|dinvden|invden).{0,60}(not (multiplied|scaled)|without|missing|forg)",
       r"(only|just) (the )?numerator.{0,40}(multiplied|scaled)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("add_like_mul", "staged", "add_backward",
      "The add gate is differentiated like a multiply gate: dx = dout * y and dy = dout * x "
      "instead of dout for both.",
      [r"multipl\w* gate", r"\bmul", r"(times|multiplied by) (the )?(other )?input",
       r"(like|as (if|for)) (a |the )?(product|multipl)", r"(add|sum) gate .{0,40}(passes|copies|unchanged)",
       r"should (be|pass) (dout|the upstream) unchanged", r"times (x|y)\b"],
      """
      def add_backward(dout, x, y):
          dx = dout * y
          dy = dout * x
          return dx, dy
      """),
    E("max_both_win", "staged", "max_backward",
      "The max gate is treated like an add gate: both inputs receive the whole upstream "
      "gradient, instead of only the input that won.",
      [r"(both|each|every) inputs?.{0,40}(receive|get|gets|given|pass)", r"add gate",
       r"(loser|lost|losing|smaller|did not win|didn'?t win)", r"(not|without) (rout|mask|select)",
       r"(only|just) (the )?(winner|larger|input that won)", r"(unchanged|passed through|copied) to both",
       r"dout (itself|unchanged)"],
      """
      def max_backward(dout, x, y):
          dx = dout.copy()
          dy = dout.copy()
          return dx, dy
      """),
    E("ng_precedence", "staged", "numerical_gradient",
      "Writes (f_plus - f_minus) / 2 * h, which divides by 2 and multiplies by h: every value "
      "is h**2 times the right one.",
      [r"precedence", r"parenthes", r"h\s*\*\*\s*2|h²|h squared|\bh\^2", r"multipl\w* by h",
       r"1e-10", r"too small by", r"times (smaller|too small)", r"factor", r"order of operations"],
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
              grad[i] = (f_plus - f_minus) / 2 * h
          return grad
      """),
    E("sp_square_no_two", "staged", "softplus_circuit",
      "The derivative of x**2 in the denominator 1 + x**2 is taken as x instead of 2x.",
      [r"derivative of (the )?x ?\*\* ?2", r"\b2 ?\*? ?x\b", r"factor (of )?2", r"half",
       r"x (squared|\*\* ?2|²).{0,40}(derivative|differentiat)", r"(missing|forgot|lacks|without).{0,30}\b2\b"],
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
          dnum = dg * inv
          dinv = dg * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * x
          dx = dx + dnum * t
          dy = dnum * x * (1.0 - t ** 2)
          du = dg / (1.0 + e) * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),

    # ======================================================================== sigmoid (9)
    E("sg_dW_reshape", "sigmoid", "sigmoid_layer_backward",
      "dW is built as np.outer(x, da) (shape (D, H)) and reshaped to (H, D) instead of "
      "transposed, so its entries are scrambled.",
      RESHAPE + [r"transpos"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(x, da).reshape(H, D)
          return dx, dW
      """),
    E("sg_precedence", "sigmoid", "sigmoid_layer_backward",
      "Writes dz * z - z**2 for dz * (z - z**2): the upstream gradient multiplies only the "
      "first term of the local gradient.",
      [r"precedence", r"parenthes", r"order of operations",
       r"(only|just) (the )?(first|one) (term|part)", r"z\s*\*\*\s*2|z squared|z²",
       r"(upstream|dz).{0,40}(not|only) (multipl|applied)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z - z ** 2
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dW_no_input", "sigmoid", "sigmoid_layer_backward",
      "dW repeats each unit's gradient along the row without multiplying by the input x "
      "(the weight's own factor in W @ x is forgotten).",
      [r"(missing|forgot|dropped|lacks|without|not multiplied by).{0,40}(\bx\b|input)",
       r"(input|\bx\b).{0,40}(missing|forgotten|left out|never used|not used)",
       r"(same|constant|repeated) (along|across|in) (each|every) row", r"(each|every) row is constant"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.tile(da[:, None], (1, W.shape[1]))
          return dx, dW
      """),
    E("sg_local_quarter", "sigmoid", "sigmoid_layer_backward",
      "Uses the constant 0.25 (the sigmoid's largest slope, at 0) as its local gradient "
      "instead of z(1 - z) at the output.",
      [r"0\.25", r"1\s*/\s*4", r"constant (local|slope|derivative)", r"(largest|maximum|max) (slope|derivative|value)",
       r"(at|around) (zero|0)\b", r"(same|fixed|one) (slope|local gradient|derivative) for (every|all|each)",
       r"does not depend on (z|the output)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = 0.25 * dz
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_z_inplace", "sigmoid", "sigmoid_layer_backward",
      "local = z; local *= 1 - z overwrites the cached output z in place (the returned values "
      "are right).",
      MUTATE,
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z
          local *= (1.0 - z)
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dx_from_dW", "sigmoid", "sigmoid_layer_backward",
      "dx is taken as the column sums of dW (sum over units of da * x) instead of W's "
      "transpose times da: the input x is used where the weights belong.",
      [r"\bx\b.{0,40}(instead|in place|where).{0,30}(\bW\b|weights)",
       r"(weights|\bW\b).{0,40}(missing|not used|never used|replaced)", r"(sum|column sums?) of dW",
       r"dW'?s? column", r"input (instead|in place) of (the )?weights"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dW = np.outer(da, x)
          dx = dW.sum(axis=0)
          return dx, dW
      """),
    E("sf_any_example", "sigmoid", "saturated_fraction",
      "Returns the fraction of units saturated on at least one example instead of the "
      "fraction of (example, unit) pairs.",
      [r"\bany (example|row|input)", r"at least one", r"fraction of (the )?units", r"per unit", r"(units|neurons) rather than (pairs|entries)",
       r"instead of (the )?(pairs|entries)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(np.any(local < tol, axis=0)))
      """),
    E("sf_tol_ignored", "sigmoid", "saturated_fraction",
      "Ignores the tol argument and always compares with 1e-3.",
      [r"\btol\b.{0,40}(ignor|not used|never|default|fixed|hard)", r"ignor", r"default",
       r"1e-3|0\.001", r"hard[- ]?coded", r"(fixed|same) (threshold|tolerance)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.sum(local < 1e-3) / local.size)
      """),
    E("sf_floor_division", "sigmoid", "saturated_fraction",
      "Divides the count by N * H with //, so the fraction is truncated to 0 (or 1 when "
      "every pair is saturated).",
      [r"integer", r"floor", r"//", r"truncat", r"round(ed|s)? (down|to)", r"whole number", r"(0|zero) or 1",
       r"(always|only) (0|zero)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          count = np.sum(Z * (1.0 - Z) < tol)
          return float(count // (X.shape[0] * W.shape[0]))
      """),

    # ======================================================================== relu (9)
    E("rl_mean_mask", "relu", "relu_backward",
      "The mask is taken from each unit's mean pre-activation over the batch (a.mean(axis=0) "
      "> 0) instead of from every entry of a.",
      [r"\bmean\b", r"averag", r"(one|same|single) mask (per|for (each|every)) (unit|column)",
       r"(each|every) (row|example)'?s? own", r"over the batch", r"per unit"],
      """
      def relu_backward(dout, cache):
          a = cache
          active = a.mean(axis=0) > 0
          da = dout * active
          return da
      """),
    E("rl_abs_mask", "relu", "relu_backward",
      "The mask is |a| > 0, which lets the gradient through on the negative side as well "
      "(only exact zeros are blocked).",
      [r"negative (side|entries|inputs?|values|part|pre-?activations?).{0,40}(pass|not (blocked|zero)|nonzero|kept|through|dout|unchanged)",
       r"\babs\b", r"absolute value of (a|the input)", r"\|a\|", r"both sides", r"(not|never) (blocked|zeroed|masked)", r"(dout|upstream).{0,20}(unchanged|passed through|itself)",
       r"only (the )?(exact )?zeros? (are )?(blocked|masked)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = dout * (np.abs(a) > 0)
          return da
      """),
    E("lk_negative_slope", "relu", "leaky_relu_backward",
      "On the negative side returns -slope * dout (the slope's sign is flipped there).",
      [r"\bsign", r"(?<![\d.])[-−]1(?![\d.])", r"minus", r"opposite", r"flipped",
       r"negati(ve|on) of (the|your|what)", r"-\s*slope", r"times -"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, -slope * dout)
          return da
      """),
    E("pr_dalpha_times_output", "relu", "prelu_backward",
      "dalpha sums dout times the forward output alpha * a instead of dout times the input a, "
      "so each unit's value is alpha times the right one.",
      [r"alpha (times|x|×)", r"times (its |the )?(own )?(alpha|slope)", r"(forward )?output (instead|in place|where)",
       r"(multiplied|scaled) by (the |its )?(alpha|slope)", r"per[- ](unit|column) (factor|scale)",
       r"(each|every) (unit|column)'?s? (own )?(factor|slope)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          out = np.where(a > 0, a, alpha * a)
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, out * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr_dalpha_positive_side", "relu", "prelu_backward",
      "dalpha sums dout * a over the entries where a > 0 (the side where alpha plays no part) "
      "instead of where a <= 0.",
      [r"positive (side|entries|part|region|pre-?activations?)", r"(wrong|other|opposite) (side|region|entries)",
       r"a ?> ?0", r"invert\w* (the )?mask", r"complement"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          positive = a > 0
          da = np.where(positive, dout, alpha * dout)
          dalpha = np.sum(np.where(positive, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("dn_count", "relu", "dead_neuron_fraction",
      "Returns the number of dead units instead of their fraction (not divided by H).",
      [r"(the )?count (of|instead)", r"number of (dead )?units (instead|rather)", r"not divided", r"\bH times",
       r"divid\w* by H", r"factor"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.all(pre <= 0, axis=0)
          return float(np.sum(dead))
      """),
    E("dn_mean_preact", "relu", "dead_neuron_fraction",
      "Calls a unit dead when its mean pre-activation over the examples is <= 0, instead of "
      "when it is <= 0 on every example.",
      [r"\bmean\b", r"averag", r"on average", r"(not|instead of) (on )?(every|all) examples?", r"(some|any) (positive|active)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = pre.mean(axis=0) <= 0
          return float(np.mean(dead))
      """),
    E("dn_bias_subtracted", "relu", "dead_neuron_fraction",
      "Subtracts the bias (X @ W.T - b) instead of adding it.",
      [r"bias.{0,40}(sign|subtract|minus|negat|opposite)", r"subtract", r"-\s*b\b", r"sign of (the )?bias"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T - b
          return float(np.mean(np.all(pre <= 0, axis=0)))
      """),
    E("rl_first_row_mask", "relu", "relu_backward",
      "The mask is built from the first example only (a[0] > 0) and broadcast to every row.",
      [r"first (row|example)", r"row 0", r"broadcast", r"(same|one) mask for (every|all|each) rows?",
       r"(every|each|all) rows? .{0,30}(first|row 0)"],
      """
      def relu_backward(dout, cache):
          a = cache
          mask = a[0] > 0
          da = dout * mask
          return da
      """),

    # ======================================================================== rnn (11)
    E("rr_carry_one_step", "rnn", "relu_rnn_backward",
      "The gradient sent back to the previous step is computed from the step's own masked "
      "dhs[t] only, not from the whole delta, so each upstream gradient travels back one "
      "step and no further.",
      [r"one step (back|only|and no further)", r"(only|just) (to )?(the )?(next|previous|one|neighbou?ring) step",
       r"(more than|beyond|further than) one step", r"(earlier|distant|longer|multi-?step) (steps|paths)",
       r"(carry|recurren\w*).{0,60}(not (passed|carried|propagated|included)|dropped|further)",
       r"(not|never) (passed|carried|propagated) (on|further|back further)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              mask = hs[t] > 0
              delta = (dhs[t] + carry) * mask
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ (dhs[t] * mask)
          return dWhh, carry
      """),
    E("rr_dh0_masked", "rnn", "relu_rnn_backward",
      "dh0 is masked by h0 > 0 as if h0 had gone through a ReLU, zeroing it where h0 is "
      "negative.",
      [r"mask\w*.{0,60}(h0|initial|start)", r"(h0|initial state|starting state).{0,60}(mask|negative|<= ?0|zero where|relu)",
       r"(extra|additional|one too many|second) (relu|mask)", r"h0 (is|was) not (passed|put) through"],
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
              carry = Whh.T @ delta
          dh0 = carry * (h0 > 0)
          return dWhh, dh0
      """),
    E("rr_hprev_always_h0", "rnn", "relu_rnn_backward",
      "dWhh pairs every step's delta with the initial state h0 instead of that step's own "
      "previous state hs[t-1].",
      [r"(h0|initial state|starting state).{0,60}(every|each|all) (time )?steps?",
       r"(every|each|all) (time )?steps?.{0,60}(h0|initial state|starting state)",
       r"previous state.{0,40}(instead|replaced|not used)", r"only (at )?step 0.{0,30}right"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              dWhh += np.outer(delta, h0)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rs_dprev_no_local", "rnn", "rnn_step_backward",
      "dprev_h sends dnext_h back through Wh without the tanh's local gradient (the other "
      "outputs use it).",
      [r"(without|missing|forg\w*|skip\w*|lacks|no|drop\w*) (the )?(tanh'?s? )?(local|derivative|slope)", r"tanh'?s? (derivative|slope)", r"(before|without|skip\w*|bypass\w*) (the )?tanh",
       r"not (passed|sent|gone|taken) (back )?through (the )?tanh", r"1 ?- ?(next_h|h)\s*\*\*\s*2"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = dnext_h @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rb_dx_buffer_alias", "rnn", "rnn_backward",
      "One buffer is filled for each step's dx and appended to a list without a copy, so "
      "every time step of dx holds the last step written (step 0's).",
      [r"alias", r"copy", r"same (array|buffer|object|values)",
       r"(every|each|all) (time )?steps?.{0,60}(same|equal|identical|step 0|first step)",
       r"only (the |time )?(first|step 0|0)\b.{0,30}right", r"(repeated|copied) (across|over|to) (every|all) (time )?steps"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          D = x0.shape[1]
          buf = np.zeros((N, D))
          dxs = [None] * T
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              buf[:] = dx_t
              dxs[t] = buf
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dx = np.stack(dxs, axis=1)
          return dx, dprev, dWx, dWh, db
      """),
    E("rb_carry_accumulated", "rnn", "rnn_backward",
      "The carried hidden gradient is accumulated (dcarry += dprev_t) instead of replaced, so "
      "each step also receives the older steps' carries.",
      [r"accumul", r"(keeps|adds|sums?|keeping|adding) (the |in )?(older|earlier|previous|all|every)",
       r"instead of (being )?(replac|overwrit)", r"\+=", r"(replac|overwrit)\w* (it|the carry)",
       r"(older|earlier|previous) (steps'?|carries)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dcarry = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_t, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dcarry, cache[t])
              dx[:, t, :] = dx_t
              dcarry += dprev_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dcarry, dWx, dWh, db
      """),
    E("cn_sum_of_norms", "rnn", "clip_grad_norm",
      "total_norm is the sum of the arrays' own norms instead of the square root of the sum "
      "of all squares.",
      [r"sum of (the )?(norms|(array|individual|per[- ]array|separate) norms)", r"norms? (are |were )?added",
       r"(each|every|per)[- ]?(array|key)'?s? (own )?norm", r"triangle", r"not the (global|overall|combined)",
       r"square root of (the )?sum of (all )?(the )?squares"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(sum(np.sqrt(np.sum(g ** 2)) for g in grads.values()))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("cn_norm_after_clip", "rnn", "clip_grad_norm",
      "Returns the norm measured after clipping (at most max_norm) instead of the norm before "
      "clipping.",
      [r"after (the )?clip", r"clipped (norm|arrays?|values|gradients)", r"(equals?|is|returns?|capped at) (the )?max_norm",
       r"capped", r"before (the )?clip"],
      """
      def clip_grad_norm(grads, max_norm):
          norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
          scale = max_norm / norm if norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          total_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in clipped.values())))
          return clipped, total_norm
      """),
    E("cv_rescale", "rnn", "clip_grad_value",
      "Rescales each array so that its largest entry is clip_value (keeping the direction) "
      "instead of clipping each entry separately.",
      [r"rescal", r"scal(ed|es|ing) (the |each |every |whole )?(array|entries|values)", r"direction",
       r"instead of clip", r"(entries|values) (within|inside) (the )?(range|bounds|limit)"],
      """
      def clip_grad_value(grads, clip_value):
          clipped = {}
          for name, g in grads.items():
              m = np.max(np.abs(g))
              clipped[name] = g * (clip_value / m) if m > clip_value else g.copy()
          return clipped
      """),
    E("cv_lower_zero", "rnn", "clip_grad_value",
      "Clips to [0, clip_value] instead of [-clip_value, clip_value], zeroing every negative "
      "entry.",
      [r"negative", r"lower (bound|limit|end)", r"-\s*clip_value", r"\[0,", r"(zero|0) (instead of|rather than|as the lower)"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.clip(g, 0, clip_value) for name, g in grads.items()}
      """),
    E("sr_eigvalsh", "rnn", "spectral_radius",
      "Uses np.linalg.eigvalsh, which assumes a symmetric matrix (it reads only one triangle), "
      "on a matrix that is not symmetric.",
      [r"symmetr", r"eigvalsh", r"triangle", r"hermitian"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.linalg.eigvalsh(W))))
      """),

    # ======================================================================== softmax (16)
    E("af_dx_reshape", "softmax", "affine_backward",
      "dx uses W.reshape(M, D) where W.T belongs, so the weights are scrambled rather than "
      "transposed.",
      RESHAPE + [r"instead of (a )?transpos", r"not (a |the )?transpos"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          D, M = W.shape
          dx = dout @ W.reshape(M, D)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_db_int_buffer", "softmax", "affine_backward",
      "db is written into an integer buffer (np.zeros(M, dtype=int)), so its values are "
      "truncated to whole numbers.",
      [r"integer", r"\bint\b", r"truncat", r"whole numbers?", r"round", r"dtype", r"decimal",
       r"fraction(al)? part"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          M = W.shape[1]
          dx = dout @ W.T
          dW = x.T @ dout
          db = np.zeros(M, dtype=int)
          db[:] = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_dx_batch_summed", "softmax", "affine_backward",
      "dx is computed from dout summed over the batch and broadcast to every row, so every "
      "row of dx holds the sum of all the rows' gradients.",
      [r"(every|each|all) rows?.{0,50}(same|equal|identical|sum)", r"summed over (the )?(batch|rows|examples)",
       r"(sum|total) (over|of) (the )?(batch|rows|examples)", r"broadcast", r"(each|every) (row|example)'?s? own"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = np.ones_like(x) * (dout.sum(axis=0) @ W.T)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_sgd_step_inside", "softmax", "affine_backward",
      "Also takes a gradient-descent step W -= 0.01 * dW inside the backward pass (changing the "
      "cached W) and then computes dx with the updated weights.",
      MUTATE + [r"updat", r"(descent|sgd|learning)[- ]?(step|rate)", r"after (the |an )?(update|step)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dW = x.T @ dout
          db = dout.sum(axis=0)
          W -= 0.01 * dW
          dx = dout @ W.T
          return dx, dW, db
      """),
    E("ce_rowsum_batch_mean", "softmax", "softmax_cross_entropy_backward",
      "Uses one row sum for every row (the batch's mean row sum of the labels) instead of "
      "each row's own sum.",
      [r"(mean|average) (row )?sum", r"(same|one|single) (row )?sum for (every|all|each) rows?",
       r"(each|every) row'?s? own", r"(batch|overall|total) (mean|average)", r"row sums?.{0,40}(averag|mean)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sum = labels.sum() / N
          dlogits = dloss * (probs * row_sum - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_dloss_divides", "softmax", "softmax_cross_entropy_backward",
      "Divides by dloss instead of multiplying by it (both outputs).",
      [r"divid\w* by (the )?(upstream|dloss)", r"(upstream|dloss).{0,40}(divid|inverse|reciprocal|1\s*/)",
       r"\binverse", r"reciprocal", r"1\s*/\s*dloss", r"dloss\s*\*\*\s*2|dloss squared"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = (probs * row_sums - labels) / (N * dloss)
          dlabels = -np.log(probs) / (N * dloss)
          return dlogits, dlabels
      """),
    E("ce_dlabels_entropy", "softmax", "softmax_cross_entropy_backward",
      "dlabels is differentiated like p log p (as if the label were inside the log too): "
      "-(log p + 1) / N, one extra constant per entry.",
      [r"(\+ ?1|plus (one|1))\b", r"extra (term|constant)", r"constant (offset|shift|term)",
       r"(offset|shifted) by", r"entropy", r"p ?log ?p", r"differs? by (a )?(constant|the same)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * (np.log(probs) + 1.0) / N
          return dlogits, dlabels
      """),
    E("ce_logsoftmax_axis0", "softmax", "softmax_cross_entropy_backward",
      "dlabels recomputes the log-softmax with the max and the log-sum-exp taken over axis 0 "
      "(over the batch) instead of over each row's classes.",
      [r"\baxis\b", r"(over|along|across) (the )?(batch|columns?|examples|rows)\b",
       r"column-?wise", r"normaliz\w* (over|along|per|across) (the )?(batch|column|class|examples)",
       r"(each|every) row'?s? (own )?(classes|log-?sum)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          shifted = logits - logits.max(axis=0, keepdims=True)
          log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
          dlabels = -dloss * log_probs / N
          return dlogits, dlabels
      """),
    E("ce_loop_skips_last_row", "softmax", "softmax_cross_entropy_backward",
      "A loop over the rows runs range(N - 1), so the last row of dlogits stays zero.",
      [r"last (row|example)", r"(row|example) N ?- ?1", r"(all|every) rows? (but|except) (the )?last",
       r"only the first N ?- ?1", r"range\(N ?- ?1\)", r"off[- ]by[- ]one", r"one row (short|too few|missing)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = np.zeros_like(probs)
          for n in range(N - 1):
              dlogits[n] = dloss * (probs[n] * labels[n].sum() - labels[n]) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_precedence_N", "softmax", "softmax_cross_entropy_backward",
      "Writes dloss * (probs * row_sums - labels / N): only the labels' term is divided by N.",
      [r"precedence", r"parenthes", r"order of operations",
       r"(only|just) (the )?labels?('s)? (term|part)?.{0,30}(divid|1\s*/\s*N|scaled)",
       r"prob\w*('s)? (term|part).{0,40}(not divided|1\s*/\s*N|N times|too large)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels / N)
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_rowsum_in_log", "softmax", "softmax_cross_entropy_backward",
      "dlabels takes the log of probs * row_sums (the row sum copied from dlogits into the log) "
      "instead of the log of probs.",
      [r"row sums?", r"label (mass|totals?|sums?)", r"(extra|additional) (term|constant)",
       r"(constant|offset) (per|in each|for each) row", r"rows? (that )?(do not|don'?t) sum to 1"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs * row_sums) / N
          return dlogits, dlabels
      """),
    E("ce_dloss_one_term", "softmax", "softmax_cross_entropy_backward",
      "In dlogits the upstream dloss multiplies only the probs term, not the labels term.",
      [r"\bdloss\b.{0,40}(not|never|missing|forg|ignor|only|without)", r"(not|never|without|missing|ignor\w*).{0,40}(dloss|upstream)",
       r"upstream.{0,40}(not|only|missing|ignor)", r"(only|just) (the )?(first|one|prob\w*) (term|part)",
       r"labels?('s)? (term|part).{0,40}(not (multiplied|scaled)|without)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = (dloss * probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("mb_argmax_onehot", "softmax", "mlp_backward",
      "Written out by hand, the gradient on the logits subtracts 1 at each row's argmax label "
      "(as for one-hot labels) instead of using the soft labels themselves.",
      [r"one-?hot", r"argmax", r"soft (labels?|targets?)", r"(largest|top|single|one) (label|class)",
       r"(rows?|labels?) (that )?(are not|aren'?t) one-hot", r"only (the )?(largest|top|one) (label|class)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          dlogits = probs.copy()
          dlogits[np.arange(N), labels.argmax(axis=1)] -= 1.0
          dlogits *= dloss / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_mask_inverted", "softmax", "mlp_backward",
      "The ReLU mask is inverted (relu_cache <= 0): the gradient goes through the inactive "
      "units and is blocked at the active ones.",
      [r"invert", r"(opposite|other) (side|units|entries|mask)", r"negative (pre-?activations?|side|inputs?)",
       r"(inactive|switched[- ]off|\boff\b|dead) units", r"complement", r"<= ?0"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache <= 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_N_from_label_sum", "softmax", "mlp_backward",
      "Written out by hand, the batch size N is taken as labels.sum() (the total label mass, "
      "N only for one-hot rows).",
      [r"(sum|total) of (all )?(the )?labels", r"label (mass|totals?|sums?)", r"labels\.sum",
       r"row sums?", r"(batch size|\bN\b).{0,40}(labels|wrong)", r"factor"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = labels.sum()
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_dloss_first_layer_only", "softmax", "mlp_backward",
      "The loss's backward is called with 1.0 and dloss is multiplied back in only for the "
      "first layer (dX, W1, b1): the second layer's gradients ignore dloss.",
      [r"\bdloss\b.{0,40}(not|never|missing|forg|ignor|only|without)", r"(not|never|without|missing|ignor\w*).{0,40}(dloss|upstream)",
       r"upstream.{0,40}(not|only|missing|ignor)", r"(second|last|output) layer.{0,60}(not (multiplied|scaled)|without|ignor)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(1.0, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0) * dloss
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (18)
    E("ls_o_factored", "lstm", "lstm_step_backward",
      "Factoring o out of the cell gradient, dc = o * (dnext_c + dnext_h * (1 - tanh(next_c)**2)) "
      "also multiplies the carried dnext_c by the output gate.",
      [r"dnext_c.{0,60}(\bo\b|output gate)", r"output gate.{0,60}(dnext_c|cell[- ]state'?s? (upstream|path)|carried|arriving)",
       r"(multipl\w*|scal\w*).{0,40}(\bo\b|output gate).{0,40}(both|also|dnext_c|carried)",
       r"parenthes", r"factor\w* out"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = o * (dnext_c + dnext_h * (1.0 - tanh_c ** 2))
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
    E("ls_do_uses_dc", "lstm", "lstm_step_backward",
      "The output gate's gradient uses the cell-state gradient dc where dnext_h belongs "
      "(do = dc * tanh(next_c)).",
      [r"output gate.{0,80}(cell|\bdc\b|dnext_c)", r"(cell[- ]state|\bdc\b).{0,60}output gate",
       r"(cell[- ]state|\bdc\b).{0,40}(instead|in place|where).{0,30}(dnext_h|hidden)",
       r"(includes?|adds?) (the )?(dnext_c|cell)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          do = dc * tanh_c
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
    E("ls_tanh_prev_c", "lstm", "lstm_step_backward",
      "tanh is taken of prev_c (the step's input cell state) instead of next_c in the path "
      "next_h = o * tanh(next_c).",
      [r"prev(ious)?_?c\b", r"previous (step'?s? )?cell", r"(input|incoming) cell state",
       r"cell state (of|from) the (previous|wrong|last) step", r"tanh\(prev"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(prev_c)
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
    E("ls_dg_no_local", "lstm", "lstm_step_backward",
      "The candidate's block forgets the tanh's local gradient 1 - g**2 (dg goes straight into "
      "da).",
      [r"tanh'?s? (derivative|local|slope)", r"(candidate|\bg\b).{0,60}(local|derivative|nonlinear)",
       r"without (the )?(tanh|local|nonlinear)", r"1 ?- ?g", r"(skip\w*|bypass\w*|not through) (the )?tanh"],
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
                               do * o * (1.0 - o), dg], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_next_h_for_tanh_c", "lstm", "lstm_step_backward",
      "The tanh's derivative on the cell path uses next_h (recomputed as o * tanh(next_c)) "
      "where tanh(next_c) belongs: 1 - next_h**2.",
      [r"next_h.{0,40}(instead|in place|where|inside)", r"hidden (state|output).{0,40}(instead|in place|used|where)",
       r"(output gate|\bo\b).{0,40}(inside|in) the (tanh|derivative)", r"o ?\* ?tanh"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          next_h = o * tanh_c
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - next_h ** 2)
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
    E("ls_interleaved_stack", "lstm", "lstm_step_backward",
      "The four gate gradients are stacked on a new last axis and reshaped to (N, 4H), which "
      "interleaves their columns (i0, f0, o0, g0, i1, ...) instead of putting them in blocks.",
      RESHAPE + [r"interleav", r"stack", r"(columns?|blocks?) (are )?(mixed|permuted|interleaved|in (the )?wrong order)",
                 r"order of (the )?columns"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          N, H = prev_h.shape
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.stack([di * i * (1.0 - i), df * f * (1.0 - f),
                         do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=-1).reshape(N, 4 * H)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_dprev_c_from_dnext_c", "lstm", "lstm_step_backward",
      "dprev_c is dnext_c * f: it forgets the path from next_h into the cell state (the gates "
      "use the full dc).",
      [r"(missing|without|drop\w*|forg\w*|lacks|omit\w*).{0,60}(next_h|hidden|output|tanh)",
       r"(path|contribution|term) (from|through) (next_h|the hidden|the output|tanh)",
       r"only (the )?dnext_c", r"dnext_c (alone|only)", r"hidden[- ]state (path|term|contribution)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dnext_c * f
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
    E("ls_dWh_prev_c", "lstm", "lstm_step_backward",
      "dWh uses prev_c (the previous cell state) where prev_h (the previous hidden state) "
      "belongs.",
      [r"prev_?c\b", r"cell state.{0,40}(instead|in place|where|used)", r"(instead of|not) (the )?(previous )?hidden state",
       r"previous cell"],
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
          dWh = prev_c.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("lb_cache_reversed", "lstm", "lstm_backward",
      "zip(reversed(range(T)), cache) pairs step t's upstream gradient with the cache of step "
      "T-1-t: the caches are walked in forward order while the steps go backwards.",
      REVERSED + [r"(wrong|other|another|mismatched) step'?s? cache", r"cache.{0,40}(order|mismatch|misalign)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t, step_cache in zip(reversed(range(T)), cache):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, step_cache)
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_forget_twice", "lstm", "lstm_backward",
      "After each step the carried cell gradient is multiplied by that step's forget gate "
      "again, although lstm_step_backward's dprev_c already holds the factor f.",
      TWICE + [r"forget gate.{0,40}(twice|again|extra|second)", r"(extra|additional) (factor|forget)"],
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
              f = cache[t][6]
              dprev_c = dprev_c * f
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_last_dh_twice", "lstm", "lstm_backward",
      "The running hidden gradient starts as dh[:, T-1] and the loop adds dh[:, t] again, so "
      "the last step's upstream gradient is counted twice.",
      TWICE + [r"last (time )?step'?s? (upstream|dh)", r"dh\[:, ?(T ?- ?1|-1)\]"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = dh[:, T - 1].copy(), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dx_reshape", "lstm", "lstm_backward",
      "The steps' dx are collected in a list (T, N, D) and reshaped to (N, T, D) instead of "
      "transposed, which mixes up examples and time steps.",
      RESHAPE + [r"transpos", r"(axes|axis) (order|swapped)", r"mix\w* (up )?(the )?(batch|examples|time|sequences)",
                 r"(batch|examples?) and (the )?time"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          D = x0.shape[1]
          dxs = []
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dxs.append(dx_t)
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dx = np.array(dxs[::-1]).reshape(N, T, D)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh_added_after", "lstm", "lstm_backward",
      "dh[:, t] is added to the running hidden gradient after step t's backward call instead "
      "of before, so each step receives the upstream gradient of the step after it (and dh0 "
      "gets dh[:, 0]).",
      SHIFT + [r"after (the )?(call|step)", r"dh0.{0,40}(includes|contains|dh\[:, ?0\])"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dnext_h, dnext_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dnext_h, dnext_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dnext_c, cache[t])
              dnext_h = dnext_h + dh[:, t]
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dnext_h, dWx, dWh, db
      """),
    E("hb_loss_outside", "lstm", "huber_backward",
      "Outside |r| <= delta it returns the loss's value delta * (|r| - delta/2) (with r's sign) "
      "instead of its derivative delta * sign(r).",
      [r"loss'?s? (value|itself)", r"(value|not the derivative) of (the )?loss", r"instead of (its|the) derivative",
       r"(grows?|increas\w*) with \|?r\|?", r"not (constant|flat|bounded) (outside|beyond|in the linear)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          a = np.abs(r)
          outside = delta * (a - 0.5 * delta) * np.sign(r)
          return dloss * np.where(a <= delta, r, outside) / r.size
      """),
    E("hb_len_not_size", "lstm", "huber_backward",
      "Divides by len(r) (the first axis) instead of r.size, the number of all entries.",
      [r"\blen\b", r"(first|one) (axis|dimension)", r"number of rows", r"r\.size",
       r"(too large|too big) by", r"factor", r"times (too )?large"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -delta, delta) / len(r)
      """),
    E("hb_pseudo_huber", "lstm", "huber_backward",
      "Uses the gradient of the pseudo-Huber loss, r / sqrt(1 + (r / delta)**2), a smooth "
      "approximation, instead of Huber's.",
      [r"pseudo", r"sqrt", r"square root", r"smooth", r"approximat", r"(never|not) (exactly )?(reach|flat|constant|equal)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * r / np.sqrt(1.0 + (r / delta) ** 2) / r.size
      """),
    E("hb_mean_inside_only", "lstm", "huber_backward",
      "The linear region's gradient is not divided by r.size; only the quadratic region's is.",
      [r"(outside|linear|beyond|large|\|r\| ?> ?delta).{0,80}(not divided|r\.size|mean|times too|factor|too large)",
       r"(mean|average|r\.size|1\s*/\s*(n|size)).{0,80}(only|inside|quadratic)",
       r"only (the )?(inside|quadratic|small)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          return dloss * np.where(inside, r / r.size, delta * np.sign(r))
      """),
    E("hb_abs_before_clip", "lstm", "huber_backward",
      "Clips |r| instead of r, so every negative error gets a positive gradient (its sign is "
      "lost inside and outside).",
      [r"\bsign", r"negative (entries|errors|values|r\b|residuals)", r"absolute value of (r|the error)",
       r"(opposite|flipped)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(np.abs(r), -delta, delta) / r.size
      """),
]
