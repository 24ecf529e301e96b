"""An eighth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (10:50-11:35 UTC) by helper blind8, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages, any grader output, git log messages or diffs, docs/MEASUREMENTS.md or the reader
reports. It read only bench/catalogue_heldout*.py (for the format and to avoid their slips),
the docstring of bench/feedback_catalogue.py, the graded functions' signatures, docstrings
and worked solution cells, and /work/shared/CURRICULUM.md. It was committed before any entry
was run through the grader (no feedback_catalogue run, no test cell, no pytest, no grading
CLI). Each entry was checked only against the worked solutions, with a throwaway script: it
runs, returns float64 outputs of the right shapes, and differs from the worked solution by
more than 3% somewhere, on three seeds (on three further seeds two entries come within 3%
on one seed: rn8_relu_dWhh_own_dhs when the ReLU state has almost died, so little is carried,
and sm8_mlp_probs_without_b2 when b2 moves the probabilities little).

    python bench/feedback_catalogue.py bench/catalogue_heldout8.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the earlier held-out catalogues has. This round leans
towards slips inside the bodies of the longer backward passes: the softmax's Jacobian chained
by hand (an axis, a missing factor p, 1/p forgotten), the second layer's weights shadowed by
their own gradient, the probabilities recomputed without b2, the softmax's derivative applied
again after the combined loss; in the LSTM step the path from next_h counted twice, the input
gate i where o belongs on the cell path, di and dg exchanged, prev_h and prev_c unpacked in
each other's place; in the LSTM sequence the loss's dh fed into the cell state instead of the
hidden state, dh0 returned as the sum of both carries; in the RNN the later steps' dh summed
into every earlier step, dWh's step terms transposed, the weights taken from dh alone.
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
RESHAPE = [r"reshap", r"scrambl", r"rearrang", r"permut", r"shuffl",
           r"(entries|values) (are )?in (the |a )?(wrong|other|different) (order|place)",
           r"right (values|numbers) in (the )?wrong (places?|order)"]
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) (step|row|unit|example)",
         r"(next|following|later|neighbou?ring|adjacent|previous|earlier) (time )?step'?s? (upstream|dh|carry|gradient)",
         r"one step (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
REVERSED = [r"revers", r"mirror", r"backwards? in time", r"(time )?order of the (steps|caches)",
            r"(last|first) step'?s? cache", r"T\s*-\s*1\s*-\s*t"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign", r"sign error"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"2x\b", r"factor (of )?(2|two)\b"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]
LAST_STEP_ONLY = [r"only (the )?last (time )?step", r"(every|all) (time )?steps? (but|except) the last",
                  r"only (at )?t\s*=\s*T\s*-\s*1"]
TRANSPOSED = [r"transpos", r"rows and columns (are )?(swapped|exchanged)", r"(indices|axes) (swapped|exchanged)"]


CATALOGUE = [
    # ======================================================================== staged (8)
    E("st8_dnum_times_num", "staged", "staged_backward",
      "In f = num * invden the numerator's gradient is num * df (its own value, copied from the "
      "line for dinvden) instead of invden * df, the other factor.",
      [r"num(erator)?'?s? (own )?value", r"(own|same) factor", r"other factor",
       r"(num|numerator) (\* ?df )?(instead of|where|in place of) (invden|1 ?/ ?den|the reciprocal)",
       r"num ?\* ?den", r"times num(erator)?\b", r"(x ?\+ ?sigmoid\(y\)).{0,30}(instead|too many|extra)",
       r"numerator'?s? (path|gradient|share|contribution).{0,40}(num|own value|instead|invden|1 ?/ ?den)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = num * df
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
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st8_dy_subtract_in_sum", "staged", "staged_backward",
      "In xpy = x + y the gradient to y is -dxpy, as for a difference x - y: dy's path through "
      "(x + y)**2 has the opposite sign; dx is right.",
      [r"x ?- ?y", r"differen\w* (gate|x ?- ?y)", r"subtract", r"minus (sign|dxpy)", r"-dxpy",
       r"(path|term|share|contribution) (of dy )?through (x ?\+ ?y|\(x ?\+ ?y\)|the square|the denominator|xpy).{0,60}(sign|negat|opposite)",
       r"(sign|negat|opposite).{0,60}(path|term|share|contribution) through (x ?\+ ?y|\(x ?\+ ?y\)|the square|the denominator|xpy)",
       r"add gate.{0,40}(sign|minus|negat)"],
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
          dy = -1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st8_sigx_mixed_with_sigy", "staged", "staged_backward",
      "The local gradient of sigmoid(x) is written sigx * (1 - sigy), mixing x's sigmoid with "
      "y's, instead of sigx * (1 - sigx).",
      [r"sigx ?\* ?\(1(\.0)? ?- ?sigy\)", r"1 ?- ?sigy", r"sigy.{0,40}(instead of|where|in place of) sigx",
       r"(mix|mixed|mixes) .{0,30}(sigx|sigy|sigmoid\(x\)|sigmoid\(y\))",
       r"sigmoid of y.{0,40}(instead of|where|in place of).{0,20}sigmoid of x",
       r"(local gradient|derivative) of sigmoid\(x\).{0,60}(wrong|uses|y)"],
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
          dx += sigx * (1.0 - sigy) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st8_num_minus_after_restore", "staged", "numerical_gradient",
      "x[i] is put back before f_minus is evaluated, so f_minus = f(x) and the estimate is "
      "(f(x + h) - f(x)) / (2h): about half the right value.",
      HALF + [r"one[- ]sided", r"forward difference", r"f_minus.{0,40}(unperturbed|original|f\(x\)|restor|put back)",
              r"(restor|put back|reset).{0,40}(before|too early).{0,30}(minus|f_minus|second)",
              r"minus step (is )?(never|not) (taken|applied|made)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h
              f_plus = f(x)
              x[i] = old
              f_minus = f(x)
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st8_max_relu_on_dout", "staged", "max_backward",
      "The winner receives max(dout, 0) (a ReLU applied to the upstream gradient) instead of dout, "
      "so where dout < 0 both gradients are zero.",
      [r"max\(dout, ?0\)", r"np\.maximum\(dout", r"relu (applied )?(to|on) (the )?(upstream|dout|gradient)",
       r"negative (upstream|dout|gradients?).{0,40}(zero|dropped|lost|blocked|clipped)",
       r"(zero|dropped|lost|blocked).{0,40}where dout (is )?(<|negative)",
       r"only (the )?positive (part|values|entries) of dout", r"clip\w* (dout|the upstream).{0,20}(at|to|below) (0|zero)"],
      """
      def max_backward(dout, x, y):
          x_wins = x > y
          passed = np.maximum(dout, 0.0)
          dx = np.where(x_wins, passed, 0.0)
          dy = np.where(x_wins, 0.0, passed)
          return dx, dy
      """),
    E("st8_softplus_dt_missing_x", "staged", "softplus_circuit",
      "In num = x * tanh(y) the gradient on tanh(y) is dnum alone, forgetting the other factor x: "
      "dy's share through the fraction misses a factor x; g and dx are right.",
      [r"(missing|forg\w*|without|lacks?|drops?) (a |the )?factor (of )?x\b", r"factor x (is )?(missing|forgotten|dropped)",
       r"dt ?= ?dnum\b", r"dnum (alone|only)", r"1 ?/ ?x times", r"divided by x\b",
       r"(path|share|term|contribution) (of dy )?through (the fraction|tanh|num|x ?\* ?tanh).{0,60}(x|factor)",
       r"other factor"],
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
          dt = dnum
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    E("st8_softplus_quotient_order", "staged", "softplus_circuit",
      "The fraction's x-derivative is written by the quotient rule with its two terms in the wrong "
      "order, (num * 2x - tanh(y) * den) / den**2: the fraction's share of dx has the opposite sign.",
      NEGATED + [r"quotient rule", r"(terms?|order).{0,30}(swapped|exchanged|reversed|wrong order)",
                 r"fraction'?s? (share|part|path|term|contribution).{0,60}(sign|negat|opposite)"],
      """
      def softplus_circuit(x, y, dg=1.0):
          u = x * y
          e = np.exp(u)
          soft = np.log(1.0 + e)
          t = np.tanh(y)
          num = x * t
          den = 1.0 + x ** 2
          g = soft + num / den
          dfrac_dx = (num * 2.0 * x - t * den) / den ** 2
          dfrac_dy = x * (1.0 - t ** 2) / den
          sig = e / (1.0 + e)
          dx = dg * (dfrac_dx + sig * y)
          dy = dg * (dfrac_dy + sig * x)
          return g, dx, dy
      """),

    E("st8_mul_outputs_swapped", "staged", "mul_backward",
      "The two gradients are right but returned in the wrong order, (dy, dx) instead of (dx, dy).",
      [r"(swapped|exchanged|in each other'?s? place|wrong order|reversed order|other order)",
       r"(returned|return) order", r"dx is (the )?(right )?dy"],
      """
      def mul_backward(dout, x, y):
          dx = dout * y
          dy = dout * x
          return dy, dx
      """),

    # ======================================================================== sigmoid (7)
    E("sg8_one_minus_dz", "sigmoid", "sigmoid_layer_backward",
      "A typo in the local gradient: da = dz * z * (1 - dz), with the upstream gradient dz where "
      "the output z belongs in the factor (1 - z).",
      [r"1 ?- ?dz", r"\(1 - z\).{0,40}(dz|upstream)", r"dz (instead of|where|in place of) z",
       r"upstream gradient (instead of|where|in place of) (the )?(output|z)",
       r"local gradient.{0,60}(upstream|dz)", r"factor \(?1 ?- ?z\)?.{0,40}(wrong|replaced)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - dz)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg8_loop_unit_index_shift", "sigmoid", "sigmoid_layer_backward",
      "In a loop over the units dx adds W[i] * da[i - 1] (an index typo): each unit's weights are "
      "paired with the previous unit's gradient (unit 0 with the last); dW is right.",
      SHIFT + [r"da\[i ?- ?1\]", r"i ?- ?1", r"previous unit", r"(unit|row)s? (are )?(paired|matched) with",
               r"wrong unit'?s? (gradient|da)", r"units? (are )?(mixed|misaligned|mismatched)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          H, D = W.shape
          da = dz * z * (1.0 - z)
          dx = np.zeros(D)
          dW = np.zeros((H, D))
          for i in range(H):
              dx += W[i] * da[i - 1]
              dW[i] = da[i] * x
          return dx, dW
      """),
    E("sg8_dz_normalised", "sigmoid", "sigmoid_layer_backward",
      "The upstream gradient dz is divided by its norm first (a gradient-normalising habit), so "
      "dx and dW are 1/||dz|| times the right ones.",
      [r"norm of dz", r"\|\|dz\|\|", r"normali[sz]", r"unit length", r"divided by (its|the|dz'?s?) (l2 )?norm",
       r"1 ?/ ?(norm|\|\|dz)", r"(scaled|rescaled) (down|up)? ?by (a|one) (constant|factor)",
       r"(constant|same) factor"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          g = dz / np.linalg.norm(dz)
          da = g * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg8_W_shadowed_by_dW", "sigmoid", "sigmoid_layer_backward",
      "The name W is reused for the weight gradient (W = np.outer(da, x)) before dx is computed, "
      "so dx = dW.T @ da uses the gradient where the weights belong; dW is right.",
      [r"(reus|shadow|overwr)\w*.{0,40}(W|weights?)", r"dW\.T ?@ ?da", r"(gradient|dW) (instead of|where|in place of) (the )?(weights|W)\b",
       r"weights? (are )?replaced by (their|the) gradient", r"name (clash|reuse|collision)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          W = np.outer(da, x)
          dW = W
          dx = W.T @ da
          return dx, dW
      """),
    E("sg8_sat_first_example", "sigmoid", "saturated_fraction",
      "Only the first example X[0] is looked at: it returns the fraction of units saturated on "
      "the first example instead of over all N * H pairs.",
      [r"first (example|row|input)", r"X\[0\]", r"(only|just) one (example|row|input)",
       r"other examples (are )?(ignored|left out|never)", r"(ignores|forgets) (the )?(rest|other)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          z = sigmoid(W @ X[0])
          local = z * (1.0 - z)
          return float(np.mean(local < tol))
      """),
    E("sg8_sat_odds", "sigmoid", "saturated_fraction",
      "Divides the number of saturated pairs by the number of unsaturated pairs (odds) instead of "
      "by all N * H pairs.",
      [r"unsaturated", r"odds", r"(divid|denominator).{0,40}(not saturated|non-saturated|the rest)",
       r"saturated ?/ ?\(?(N ?\* ?H|total) ?- ?", r"ratio of saturated to"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          saturated = np.sum(local < tol)
          return float(saturated / (local.size - saturated))
      """),
    E("sg8_sat_clip_for_sigmoid", "sigmoid", "saturated_fraction",
      "The outputs are computed with np.clip(X @ W.T, 0, 1) (a hard clip) instead of the sigmoid, "
      "so every pair with a pre-activation outside [0, 1] counts as saturated.",
      [r"clip", r"hard (sigmoid|limit)", r"(without|forgets?|no|instead of the) sigmoid",
       r"sigmoid (is )?(not|never) applied", r"piecewise[- ]linear"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = np.clip(X @ W.T, 0.0, 1.0)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),

    # ======================================================================== relu (7)
    E("rl8_else_a", "relu", "relu_backward",
      "Where a <= 0 the gradient is a itself (np.where(a > 0, dout, a)) instead of 0.",
      [r"np\.where\(a ?> ?0, ?dout, ?a\)", r"(negative|blocked|inactive|a ?<= ?0)( side| entries| part)?.{0,40}(\ba\b|input|pre-?activation)( itself| value)?",
       r"(input|pre-?activation|a)( itself|'s value)? (instead of|where) (0|zero)",
       r"(not|never) zero(ed)? (where|on|for) (a ?<= ?0|the negative)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, dout, a)
          return da
      """),
    E("rl8_dropout_rescale", "relu", "relu_backward",
      "The masked gradient is divided by the fraction of active entries (a dropout habit): "
      "dout * (a > 0) / mean(a > 0), so every passed value is too large by that factor.",
      [r"dropout", r"(fraction|share|proportion) of (active|positive|kept|passing)", r"keep (prob|fraction|rate)",
       r"(divid|rescal|scal)\w* by (the )?(mean|fraction|share)", r"1 ?/ ?(mean|p)\b",
       r"(constant|same) factor", r"too large by (a|one) (constant )?factor"],
      """
      def relu_backward(dout, cache):
          a = cache
          mask = a > 0
          da = dout * mask / mask.mean()
          return da
      """),
    E("rl8_clip_dout", "relu", "relu_backward",
      "dout is clipped to [-1, 1] before the mask (a gradient-clipping habit from the RNN "
      "notebook), so every passed entry with |dout| > 1 is wrong.",
      [r"clip", r"\[-1, ?1\]", r"(capped|limited|saturat)\w* at (1|one)", r"\|dout\| ?> ?1",
       r"(large|big) (upstream )?(gradients?|values|entries).{0,30}(wrong|cut|capped|limited)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, np.clip(dout, -1.0, 1.0), 0.0)
          return da
      """),
    E("rl8_leaky_max_of_dout", "relu", "leaky_relu_backward",
      "The forward's max is applied to the gradient, np.maximum(dout, slope * dout), so the side "
      "is chosen by the sign of dout instead of by a > 0.",
      [r"sign of (the )?(dout|upstream|gradient)", r"(mask|side|choice).{0,40}(dout|upstream|gradient) instead of (a|the input)",
       r"np\.maximum\(dout", r"max(imum)? (of|applied to) (the )?(dout|gradient|upstream)",
       r"(depends|decided|chosen) (on|by) dout", r"independent of a\b", r"ignores? (the input )?a\b"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.maximum(dout, slope * dout)
          return da
      """),
    E("rl8_prelu_dalpha_product_of_sums", "relu", "prelu_backward",
      "dalpha multiplies the column sums of min(a, 0) by the column sums of dout instead of "
      "summing their products row by row, so every example's a is paired with every example's dout.",
      [r"product of (the )?sums", r"sums? (are )?(taken|computed) (separately|first)", r"(paired|pairs|multiplied) with (other|every|all)",
       r"(before|instead of) (multiplying|the product)", r"row by row", r"cross[- ]terms?",
       r"sum of (the )?products"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.minimum(a, 0.0).sum(axis=0) * dout.sum(axis=0)
          return da, dalpha
      """),
    E("rl8_prelu_dalpha_total", "relu", "prelu_backward",
      "dalpha sums dout * a over the negative entries of every unit together (no axis), so every "
      "unit's entry holds the same total; da is right.",
      CONSTANT + [r"(no|without|missing) (an )?axis", r"(one|a single) (number|total|sum) (for|in) (every|all|each)",
                  r"(summed|sums) over (all|every) (units|entries|columns)", r"per[- ]unit.{0,30}(missing|lost|not)",
                  r"(total|sum) over (all )?units"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0)) * np.ones_like(alpha)
          return da, dalpha
      """),
    E("rl8_dead_tests_output", "relu", "dead_neuron_fraction",
      "It tests the ReLU's output, np.maximum(pre, 0) < 0, which never holds, instead of the "
      "pre-activation <= 0: no unit is ever counted dead.",
      ZEROS + [r"never (counted|dead|true|holds)", r"(relu'?s? )?output.{0,40}(instead of|where) (the )?pre-?activation",
               r"maximum\(", r"(always|returns) 0(\.0)?\b", r"no unit", r"< ?0.{0,30}(never|impossible)"],
      """
      def dead_neuron_fraction(W, b, X):
          out = np.maximum(X @ W.T + b, 0.0)
          dead = np.all(out < 0, axis=0)
          return float(np.mean(dead))
      """),

    # ======================================================================== rnn (10)
    E("rn8_relu_dWhh_own_dhs", "rnn", "relu_rnn_backward",
      "dWhh pairs each step's own masked dhs[t] with the previous state, leaving the carried "
      "gradient out of the weight gradient; the carry and dh0 use the full delta and are right.",
      [r"carr\w*.{0,60}(left out|missing|dropped|not (added|included|used)|forgotten)",
       r"(without|ignores?|excludes?|misses?) (the )?(carr|gradient (flowing|coming) (back )?from later|later steps)",
       r"only (its|the step'?s?) own (dhs|upstream|gradient)", r"dhs\[t\] (alone|only)",
       r"later steps'? (gradient|contribution).{0,40}(missing|dropped|not)", LAST_STEP_ONLY[0]],
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
              dWhh += np.outer(dhs[t] * mask, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn8_relu_step0_hs0", "rnn", "relu_rnn_backward",
      "Step 0's previous state is taken as hs[0] (its own output) instead of h0, so step 0's "
      "term in dWhh is outer(delta, hs[0]); dh0 is right.",
      [r"hs\[0\]", r"h0.{0,40}(replaced|missing|never used|not used)", r"(instead of|where|in place of) h0",
       r"step 0'?s? (own )?(output|state).{0,40}(previous|input)", r"(first|step 0'?s?) (term|step).{0,60}(wrong|previous state)",
       r"only (the )?(first|step 0)('s)? (term|step) (is )?wrong"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else hs[0]
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn8_step_dWh_transposed", "rnn", "rnn_step_backward",
      "dWh is computed as da.T @ prev_h, the transpose of the right gradient (the shape (H, H) "
      "hides it); the other outputs are right.",
      TRANSPOSED + [r"da\.T ?@ ?prev_h"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = da.T @ prev_h
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn8_step_preact_without_x", "rnn", "rnn_step_backward",
      "The tanh's local gradient is recomputed from prev_h @ Wh alone, 1 - tanh(prev_h @ Wh)**2, "
      "leaving x @ Wx and b out of the pre-activation, instead of 1 - next_h**2.",
      [r"(without|leav\w* out|forg\w*|missing|omit\w*) (the )?(x ?@ ?Wx|input'?s? (term|part)|bias|b\b)",
       r"pre-?activation.{0,60}(wrong|incomplete|missing|recomputed)", r"prev_h ?@ ?Wh",
       r"recomput\w*", r"(instead of|rather than) (using )?(the cached )?next_h"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - np.tanh(prev_h @ Wh) ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn8_bptt_weights_from_dh_only", "rnn", "rnn_backward",
      "dWx, dWh and db are accumulated from a second call with dh[:, t] alone, leaving the carried "
      "gradient out of the weight gradients; dx and dh0 are right.",
      [r"carr\w*.{0,60}(left out|missing|dropped|not (added|included|used)|forgotten|ignored)",
       r"(without|ignor\w*|exclud\w*|miss\w*) (the )?(carr\w*|gradient (flowing|coming|from) (back )?(from )?later|later steps|recurren)",
       r"only (its|the step'?s?) own (dh|upstream|gradient)", r"dh\[:, ?t\] (alone|only)",
       r"later steps'? (gradient|contribution).{0,40}(missing|dropped|not)",
       r"(as if|like) (each step|the steps) (were )?independent"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_new, _, _, _ = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              _, _, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :], cache[t])
              dx[:, t, :] = dx_t
              dprev = dprev_new
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn8_bptt_dWh_terms_transposed", "rnn", "rnn_backward",
      "Each step's dWh_t is added transposed (dWh += dWh_t.T, thinking of Wh @ h), so dWh is the "
      "transpose of the right sum; the other outputs are right.",
      TRANSPOSED,
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
              dWh += dWh_t.T
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn8_bptt_cumulative_dh", "rnn", "rnn_backward",
      "Each step is given the sum of dh over itself and every later step (dh[:, t:].sum(axis=1)) "
      "plus the carry, so the later steps' upstream gradients reach it twice, directly and "
      "through the recurrence; only the last time step is right.",
      TWICE + LAST_STEP_ONLY + [r"cumulative", r"cumsum", r"dh\[:, ?t:", r"later steps'? (dh|upstream).{0,40}(added|summed|directly)",
                                r"sum(med)? over (the )?later steps", r"(both )?directly and (through|via)"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              upstream = dh[:, t:, :].sum(axis=1)
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(upstream + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn8_bptt_step0_without_carry", "rnn", "rnn_backward",
      "The loop stops at step 1 and step 0 is handled after it with dh[:, 0] alone, so the "
      "gradient carried back from step 1 never reaches step 0 (its dx, its weight terms and dh0).",
      [r"carr\w*.{0,60}(step 0|first step)", r"(step 0|first step).{0,60}(carr\w*|later steps|from step 1)",
       r"(step 0|first step)'?s? (upstream|input gradient).{0,40}(only|alone|missing)",
       r"dh\[:, ?0\] (alone|only)", r"never reaches step 0", r"only (the )?(first|step 0)('s)? (step )?(is )?wrong"],
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
          dx_0, dh0, dWx_0, dWh_0, db_0 = rnn_step_backward(dh[:, 0, :], cache[0])
          dx[:, 0, :] = dx_0
          return dx, dh0, dWx + dWx_0, dWh + dWh_0, db + db_0
      """),
    E("rn8_clip_norm_squared_test", "rnn", "clip_grad_norm",
      "The test compares the sum of squares with max_norm (total_sq > max_norm) instead of the "
      "norm, so gradients with max_norm**0.5 < norm <= max_norm are rescaled (blown up to max_norm).",
      [r"sum of (the )?squares.{0,40}(compar|test|threshold)", r"squared norm", r"norm\s*\*\*\s*2",
       r"(compar|test|check)\w*.{0,40}(square|sum of squares)", r"sqrt\(max_norm\)|max_norm ?\*\* ?0\.5|square root of max_norm",
       r"(clipped|rescaled|scaled) (even )?(when|although|though) (the norm is )?(below|under|<=|at most)",
       r"(blown|scaled) up", r"(grow|grew|larger) instead of"],
      """
      def clip_grad_norm(grads, max_norm):
          total_sq = float(sum(np.sum(g ** 2) for g in grads.values()))
          total_norm = float(np.sqrt(total_sq))
          scale = max_norm / total_norm if total_sq > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn8_spectral_abs_of_max", "rnn", "spectral_radius",
      "abs and max are taken in the wrong order: np.abs(np.max(eigvals)) is the modulus of the "
      "eigenvalue with the largest real part, not the largest modulus (a large negative "
      "eigenvalue is missed).",
      [r"(abs|absolute).{0,30}(after|outside) (the )?max", r"max(imum)? (before|first).{0,30}abs",
       r"largest real part", r"(negative|complex) eigenvalues?.{0,40}(missed|ignored|not)",
       r"order of (abs|max)", r"np\.abs\(np\.max"],
      """
      def spectral_radius(W):
          return float(np.abs(np.max(np.linalg.eigvals(W))))
      """),

    # ======================================================================== softmax (17)
    E("sm8_affine_einsum_typo", "softmax", "affine_backward",
      "An index typo in np.einsum('nm,dk->nd', dout, W) (k where m belongs) sums dout and W "
      "separately: every dx[n, d] is dout[n].sum() * W[d].sum(); dW and db are right.",
      [r"einsum", r"(row|column) sums?.{0,40}(product|times|multipl)", r"sums? (are )?(taken )?separately",
       r"product of (the )?sums", r"(index|subscript) typo", r"rank[- ]?(one|1)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = np.einsum('nm,dk->nd', dout, W)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm8_sce_jacobian_axis0", "softmax", "softmax_cross_entropy_backward",
      "Chaining dlogits through the softmax's Jacobian, p * (g - sum(g * p)), the sum is taken "
      "over axis 0 (over the batch, per class) instead of over each row's classes; dlabels is right.",
      [r"axis ?=? ?0", r"over the batch", r"per class", r"(each|every) column", r"columns? (instead of|rather than) rows?",
       r"(instead of|rather than|not) (over )?(each|every|the) row", r"wrong axis", r"across (the )?(examples|rows)",
       r"rows (are )?mixed", r"other (rows|examples)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogp = -dloss * labels / N
          dprobs = dlogp / probs
          dlogits = probs * (dprobs - np.sum(dprobs * probs, axis=0, keepdims=True))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_jacobian_no_outer_p", "softmax", "softmax_cross_entropy_backward",
      "Chaining dlogits through the softmax's Jacobian, the outer factor p is forgotten: "
      "dlogits = g - sum(g * p) instead of p * (g - sum(g * p)); dlabels is right.",
      [r"(missing|forg\w*|without|lacks?|drops?) (a |the )?(factor )?(p|probs|probabilit)", r"factor (p|probs|the probabilit)",
       r"1 ?/ ?p(robs)? times", r"divided by (p|probs|the probabilit)", r"diag\(p\)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dprobs = -dloss * labels / (N * probs)
          dlogits = dprobs - np.sum(dprobs * probs, axis=1, keepdims=True)
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_log_no_inverse_p", "softmax", "softmax_cross_entropy_backward",
      "Chaining through log p and the softmax, the derivative of log p (1/p) is forgotten: the "
      "labels' gradient -labels/N goes straight into the softmax's Jacobian; dlabels is right.",
      [r"1 ?/ ?p", r"(derivative|gradient) of (the )?log", r"log'?s? (derivative|local gradient)",
       r"(missing|forg\w*|without|lacks?) (a |the )?(factor )?1 ?/ ?p", r"p(robs)? times (the right|too small)",
       r"(an )?extra factor (p|probs)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dprobs = -dloss * labels / N
          dlogits = probs * (dprobs - np.sum(dprobs * probs, axis=1, keepdims=True))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_power_for_times", "softmax", "softmax_cross_entropy_backward",
      "A typo of ** for *: dlogits uses probs ** row_sums - labels instead of probs * row_sums - "
      "labels; dlabels is right.",
      [r"\*\* ?row_?sums?", r"power", r"expon", r"raised to", r"p(robs)? to the", r"(instead of|not) (multipl|times)",
       r"row_sums?.{0,40}(exponent|power)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs ** row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_log_probs_over_rowsum", "softmax", "softmax_cross_entropy_backward",
      "dlabels takes the log of probs / row_sums instead of probs: each row of dlabels is off by "
      "log(row_sum) / N; dlogits is right.",
      [r"probs ?/ ?row_sums?", r"log\(row_?sums?\)", r"(row|each row'?s?) (label )?sums?.{0,40}(log|dlabels)",
       r"(each|every) row (is )?(off|shifted) by", r"(offset|shift|constant) (per|in each|for each) row",
       r"plus (a |one )?(constant|number) per row", r"log of (the|each) row'?s? (label )?sums?"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs / row_sums) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_dlabels_over_rowsum", "softmax", "softmax_cross_entropy_backward",
      "dlabels is divided by each row's label sum instead of by N: each row is N/row_sum times "
      "the right one; dlogits is right.",
      [r"(divid\w*|normali[sz]\w*) by (each|the) row'?s? (label )?sums?", r"row_?sums? (instead of|where|in place of) N",
       r"N ?/ ?row_?sum", r"(not|never) divided by N", r"(each|every) row.{0,40}(times|factor|scaled)",
       r"(a|one) (different )?factor per row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / row_sums
          return dlogits, dlabels
      """),
    E("sm8_mlp_probs_without_b2", "softmax", "mlp_backward",
      "Written out by hand, the probabilities are recomputed from h @ W2 without the second "
      "layer's bias b2, instead of taken from the loss's cache.",
      [r"\bb2\b.{0,40}(missing|left out|forgotten|without|not added|omitted)", r"(without|forg\w*|missing|omit\w*|leav\w* out) (the )?(second (layer'?s? )?)?bias",
       r"recomput\w*.{0,40}(prob|softmax|logits)", r"(prob\w*|softmax|logits).{0,40}recomput",
       r"(instead of|rather than) (the )?(cached|cache'?s?) prob"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          N = X.shape[0]
          z = h @ W2
          z = z - z.max(axis=1, keepdims=True)
          p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
          dlogits = dloss * (p * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dW2, "b2": db2}
      """),
    E("sm8_mlp_leaky_habit", "softmax", "mlp_backward",
      "The ReLU's backward lets 0.2 of the gradient through on the inactive side (a leaky-ReLU "
      "habit, slope 0.2) instead of 0: dX, dW1 and db1 get 0.2 * dh where the ReLU's input is <= 0.",
      [r"leak", r"0\.2\b", r"(inactive|negative|blocked)( side| units?| entries)?.{0,40}(not zero|nonzero|some gradient|0\.2|small|fraction)",
       r"(not|never) (fully )?(blocked|zeroed)", r"slope"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = np.where(relu_cache > 0, dh, 0.2 * dh)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm8_mlp_softmax_derivative_again", "softmax", "mlp_backward",
      "After the combined loss backward, dlogits is multiplied again by the softmax's local "
      "gradient p(1 - p), although softmax_cross_entropy_backward already went through the softmax.",
      TWICE + [r"p ?\(1 ?- ?p\)", r"probs ?\* ?\(1 ?- ?probs\)", r"softmax'?s? (derivative|local gradient|jacobian)",
               r"(extra|additional) factor", r"through the softmax (again|twice)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          probs = loss_cache[2]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dlogits = dlogits * probs * (1.0 - probs)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm8_mlp_first_row_mask", "softmax", "mlp_backward",
      "The ReLU mask is taken from the first example's row (relu_cache[0] > 0) and broadcast to "
      "every example; W2 and b2 are right.",
      [r"first (example|row)", r"relu_cache\[0\]", r"(one|a single) (example'?s?|row'?s?) mask",
       r"(same|one) mask (for|in) (every|all|each) (example|row)", r"broadcast",
       r"only (the )?first (row|example) (is )?right"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache[0] > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm8_mlp_mask_as_activation", "softmax", "mlp_backward",
      "Written out by hand, h = relu_cache > 0 (the mask) is used both as the mask and as the "
      "hidden activations, so dW2 is built from the 0/1 mask instead of the ReLU's output.",
      [r"mask (instead of|where|in place of) (the )?(relu'?s? )?(output|activations?|h\b)",
       r"0 ?/ ?1 (mask|indicator).{0,40}(dW2|activations?|output)", r"(indicator|mask).{0,40}(dW2|second layer)",
       r"(boolean|binary) (mask|array|values)", r"(relu'?s? )?(output|activations?) (replaced|are) (by )?(the |a )?(mask|0/1)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          _, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h = relu_cache > 0
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          da = (dlogits @ W2.T) * h
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dW2.astype(np.float64), "b2": db2}
      """),
    E("sm8_mlp_cache_probs_labels_swapped", "softmax", "mlp_backward",
      "Written out by hand, the loss's cache is unpacked as (logits, probs, labels): the labels and "
      "the probabilities are read in each other's place in the gradient on the logits.",
      [r"(probs|probabilities) and (the )?labels (are )?(swapped|exchanged|in each other)",
       r"labels and (the )?(probs|probabilities) (are )?(swapped|exchanged|in each other)",
       r"(unpack|order)\w*.{0,40}(cache|probs|labels)", r"(labels|probs|probabilities) (instead of|where|in place of) (the )?(probs|probabilities|labels)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          logits, probs, labels = loss_cache
          N = X.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          da = (dlogits @ W2.T) * (relu_cache > 0)
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dW2, "b2": db2}
      """),
    E("sm8_mlp_W2_shadowed", "softmax", "mlp_backward",
      "Written out by hand, the name W2 is reused for its gradient (W2 = h.T @ dlogits) before dh "
      "is computed, so the hidden gradient goes back through dW2 instead of the weights W2; "
      "W2 and b2 are right.",
      [r"(reus|shadow|overwr)\w*.{0,40}(W2|weights?)", r"dW2.{0,30}(instead of|where|in place of) (the )?(weights|W2)",
       r"(gradient|dW2) (instead of|where|in place of) (the )?(weights|W2)\b", r"name (clash|reuse|collision)",
       r"weights? (are )?replaced by (their|the) gradient", r"through dW2"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          h, W2, b2 = aff2_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          W2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": W2, "b2": db2}
      """),
    E("sm8_mlp_relu_on_logits", "softmax", "mlp_backward",
      "The gradient on the logits is masked by logits > 0, as if a ReLU followed the second "
      "layer (the network has none there): every entry of dlogits at a negative logit is dropped.",
      [r"logits ?> ?0", r"(relu|mask).{0,40}(logits|output layer|second layer'?s? output)",
       r"(extra|second|another) (relu|mask)", r"(negative|non-?positive) logits?",
       r"(output|last) layer.{0,30}(has no|without) (a )?relu", r"no relu (there|after)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits = loss_cache[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dlogits = dlogits * (logits > 0)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm8_sce_jacobian_plus", "softmax", "softmax_cross_entropy_backward",
      "Chaining dlogits through the softmax's Jacobian, the sum term is added instead of "
      "subtracted: p * (g + sum(g * p)) instead of p * (g - sum(g * p)); dlabels is right.",
      [r"(added|adds|plus) instead of (subtract|minus)", r"(sign|minus).{0,40}(sum|second) term",
       r"(sum|second) term.{0,40}(sign|added|plus|wrong)", r"\+ ?(np\.)?sum\("],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          g = -dloss * labels / (N * probs)
          dlogits = probs * (g + np.sum(g * probs, axis=1, keepdims=True))
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm8_sce_count_nonzero", "softmax", "softmax_cross_entropy_backward",
      "The batch size is taken as np.count_nonzero(labels) (the number of labelled entries, N only "
      "for one-hot rows), so with soft labels both gradients are N/count times the right ones.",
      [r"count_nonzero", r"(number|count) of (non-?zero|labell?ed) (labels|entries)",
       r"N ?\* ?C", r"(divid\w*|denominator).{0,40}(non-?zero|entries|N ?\* ?C|labels\.size)",
       r"(not|instead of) (divided by )?N\b", r"1 ?/ ?C\b", r"C times too small", r"number of classes"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = np.count_nonzero(labels)
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),

    # ======================================================================== lstm (17)
    E("ls8_cell_path_twice", "lstm", "lstm_step_backward",
      "A copy-pasted line adds the path from next_h into the cell state a second time "
      "(dc += dnext_h * o * (1 - tanh(next_c)**2)), so that path is counted twice in every "
      "block of da and in dprev_c.",
      TWICE + DOUBLE + [r"path from next_h.{0,60}(twice|again|doubl|2 times)", r"duplicat"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          dc += dnext_h * o * (1.0 - tanh_c ** 2)
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
    E("ls8_dprev_c_without_carry", "lstm", "lstm_step_backward",
      "dprev_c is computed from the path from next_h alone, f * dnext_h * o * (1 - tanh(next_c)**2), "
      "leaving out dnext_c; the gates use the full dc and are right.",
      [r"dnext_c.{0,60}(left out|missing|dropped|not (added|included)|forgotten|ignored)",
       r"(without|ignor\w*|miss\w*|forg\w*|drops?) (the )?(dnext_c|carried cell|gradient (arriving )?(along|on) the cell)",
       r"cell[- ]state (carry|gradient).{0,40}(missing|dropped|not passed|lost)",
       r"(plus|minus|missing) (f ?\* ?dnext_c|dnext_c ?\* ?f)", r"only the path from next_h"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc_h = dnext_h * o * (1.0 - tanh_c ** 2)
          dc = dnext_c + dc_h
          df = dc * prev_c
          dprev_c = dc_h * f
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
    E("ls8_unpack_prev_h_prev_c", "lstm", "lstm_step_backward",
      "The cache is unpacked as (x, prev_c, prev_h, ...): the previous hidden and cell states are "
      "read in each other's place, so the forget gate's block uses prev_h and dWh uses prev_c.",
      [r"prev_h and prev_c (are )?(swapped|exchanged|in each other)", r"prev_c and prev_h (are )?(swapped|exchanged|in each other)",
       r"(hidden|cell) (state )?and (the )?(cell|hidden) (state )?(are )?(swapped|exchanged|mixed)",
       r"unpack", r"prev_c (instead of|where|in place of) prev_h", r"prev_h (instead of|where|in place of) prev_c", r"forget gate'?s? block"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_c, prev_h, Wx, Wh, i, f, o, g, next_c = cache
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
    E("ls8_di_dg_exchanged_in_da", "lstm", "lstm_step_backward",
      "Assembling da, di and dg are written in each other's block: the input gate's block is "
      "dg * i(1 - i) and the candidate's di * (1 - g**2).",
      [r"di and dg (are )?(swapped|exchanged|in each other)", r"dg and di (are )?(swapped|exchanged|in each other)",
       r"input gate'?s? (block|gradient).{0,60}(candidate|\bg\b)", r"candidate'?s? (block|gradient).{0,60}input gate",
       r"(i|input) and (g|candidate).{0,30}(swapped|exchanged|mixed)", r"(g|candidate) and (i|input).{0,30}(swapped|exchanged|mixed)", r"(input gate'?s?|candidate'?s?) (and (the )?(candidate'?s?|input gate'?s?) )?blocks?"],
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
          da = np.concatenate([dg * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), di * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls8_cell_path_input_gate", "lstm", "lstm_step_backward",
      "The path from next_h into the cell state uses the input gate i where the output gate o "
      "belongs: dc = dnext_c + dnext_h * i * (1 - tanh(next_c)**2).",
      [r"input gate.{0,40}(instead of|where|in place of).{0,20}output gate", r"\bi\b (instead of|where|in place of) \bo\b",
       r"(uses|multiplied by) (the )?(input gate|i\b)", r"dnext_h ?\* ?i\b", r"(wrong|other) gate",
       r"path from next_h.{0,60}(gate|wrong)", r"o ?/ ?i|i ?/ ?o", r"(every|all) (blocks?|gates?) (but|except) (the )?output", r"o ?/ ?i times"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * i * (1.0 - tanh_c ** 2)
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
    E("ls8_o_local_at_tanh_c", "lstm", "lstm_step_backward",
      "The output gate's local gradient is evaluated at tanh(next_c) instead of at o: "
      "do * tanh_c * (1 - tanh_c) where do * o * (1 - o) belongs; only the output gate's block "
      "(and what it feeds) is wrong.",
      [r"tanh_?c ?\* ?\(1 ?- ?tanh_?c\)", r"output gate'?s? (block|local gradient|gradient|columns?)",
       r"(at|of) tanh\(next_c\) (instead of|where|in place of) (at )?o", r"\bo\b.{0,20}(replaced|instead)",
       r"sigmoid'?s? derivative.{0,40}(tanh|wrong (value|input|operand))"],
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
                               do * tanh_c * (1.0 - tanh_c), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls8_blocks_o_f_i_g", "lstm", "lstm_step_backward",
      "The gate gradients are concatenated in the order o, f, i, g: the input and output gates' "
      "blocks are swapped in da (and so in dWx, dWh, db, dx and dprev_h).",
      RESHAPE + [r"(input|i) and (the )?(output|o) (gates?'?s? )?(blocks? )?(are )?(swapped|exchanged|in each other)",
                 r"(output|o) and (the )?(input|i) (gates?'?s? )?(blocks? )?(are )?(swapped|exchanged|in each other)",
                 r"blocks? (are )?(swapped|exchanged|in the wrong order)", r"order of the (gates|blocks)"],
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
          da = np.concatenate([do * o * (1.0 - o), df * f * (1.0 - f),
                               di * i * (1.0 - i), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls8_do_times_tanh_derivative", "lstm", "lstm_step_backward",
      "The output gate's gradient is also multiplied by tanh's derivative: "
      "do = dnext_h * tanh(next_c) * (1 - tanh(next_c)**2); the other blocks are right.",
      [r"(extra|additional) factor.{0,40}(1 ?- ?tanh|tanh'?s? derivative)", r"(1 ?- ?tanh.{0,12}\*\* ?2).{0,40}(too many|extra|output gate)",
       r"output gate'?s? (block|gradient|columns?).{0,80}(tanh|derivative|factor)",
       r"tanh'?s? (derivative|local gradient).{0,40}output gate"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c * (1.0 - tanh_c ** 2)
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
    E("ls8_bptt_dh0_both_carries", "lstm", "lstm_backward",
      "dh0 is returned as dprev_h + dprev_c, adding the gradient on the initial cell state to "
      "the one on the initial hidden state; the other outputs are right.",
      [r"dprev_h ?\+ ?dprev_c", r"cell[- ]state('s)? gradient.{0,40}(added|plus|included|mixed)",
       r"(plus|added|adds|sum of) (the )?(gradient on the )?(initial )?cell", r"both carries",
       r"(hidden|h0).{0,40}(and|plus) (the )?cell"],
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
          return dx, dprev_h + dprev_c, dWx, dWh, db
      """),
    E("ls8_bptt_dh_into_cell", "lstm", "lstm_backward",
      "The loss's upstream dh[:, t] is added to the cell-state gradient instead of the hidden one: "
      "each step is called with (dprev_h, dh[:, t] + dprev_c).",
      [r"cell[- ]state (gradient|carry|input).{0,40}(instead of|where|in place of).{0,20}hidden",
       r"(dh|upstream).{0,40}(added|fed|given|goes|sent) (to|into) (the )?cell", r"dnext_c.{0,40}dh",
       r"(hidden|dnext_h).{0,40}(misses|without|only the carry|never gets)", r"(wrong|other) (input|argument|state)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dprev_h, dh[:, t] + dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls8_bptt_cache_minus_t", "lstm", "lstm_backward",
      "An index typo, cache[-t] for cache[t]: step 0 uses its own cache but every step t > 0 uses "
      "the cache of step T - t.",
      REVERSED + [r"cache\[-t\]", r"(wrong|other) step'?s? cache", r"caches? (of|from) (the )?(wrong|other) step",
                  r"T ?- ?t\b", r"only (the )?(first|step 0)('s)? (step )?(is )?right"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[-t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls8_bptt_cell_carry_into_hidden", "lstm", "lstm_backward",
      "The cell-state carry dprev_c is also added into the hidden-state gradient: each step gets "
      "dnext_h = dh[:, t] + dprev_h + dprev_c (dnext_c is right).",
      LAST_STEP_ONLY + [r"dprev_c.{0,40}(added|plus|into|also).{0,30}(hidden|dnext_h)", r"(hidden|dnext_h).{0,40}(plus|\+|includes?) (the )?(cell|dprev_c)",
       r"cell[- ]state (carry|gradient).{0,40}(hidden|twice|both)", r"(both|two) carries"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h + dprev_c, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls8_bptt_hidden_carry_times_f", "lstm", "lstm_backward",
      "The hidden-state carry is multiplied by the step's forget gate f before it is passed on "
      "(mistaking the hidden path for the cell path): dprev_h * f instead of dprev_h.",
      LAST_STEP_ONLY + [r"forget gate.{0,60}(hidden|dprev_h)", r"(hidden|dprev_h).{0,60}forget gate", r"dprev_h ?\* ?f",
       r"(extra|additional) factor (f|of the forget)", r"(times|multipl\w* by) (the )?(forget gate|f\b)",
       r"(hidden|cell) (path|carry).{0,30}(confus|mistak|treated)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              f = cache[t][6]
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dprev_h = dprev_h * f
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls8_bptt_dWh_one_iteration_late", "lstm", "lstm_backward",
      "dWh += dWh_t is placed before the step's call, so it adds the previous iteration's term: "
      "step 0's term is missing from dWh (the other outputs are right).",
      [r"step 0'?s? (term|contribution).{0,40}(missing|dropped|lost|not)", r"(missing|without|lacks?) (the )?(step 0|first step)'?s?",
       r"(one (iteration|step) )?(late|lag|delayed)", r"before the (step'?s? )?call", r"previous iteration",
       r"(every|all) steps? (but|except) (step 0|the first)", r"only (the )?(first|step 0)('s)? (term|step)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          dWh_t = np.zeros(Wh.shape)
          for t in reversed(range(T)):
              dWh += dWh_t
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls8_huber_dloss_inside_clip", "lstm", "huber_backward",
      "dloss is multiplied in before the clip, np.clip(dloss * r, -delta, delta), so the clip "
      "bounds act on dloss * r: the result is right only where |dloss * r| and |r| are on the same "
      "side of delta (and for dloss = 1).",
      [r"(dloss|upstream).{0,40}(inside|before|within) (the )?clip", r"clip\w*.{0,30}(after|of) dloss ?\* ?r",
       r"np\.clip\(dloss", r"(threshold|bounds?|region).{0,40}(scaled|depend\w*) (by|on) dloss",
       r"(order|before).{0,30}(multipl|clip)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return np.clip(dloss * r, -delta, delta) / r.size
      """),
    E("ls8_huber_divide_before_clip", "lstm", "huber_backward",
      "r is divided by r.size before the clip, np.clip(r / r.size, -delta, delta), so almost "
      "nothing is clipped and the result is the squared error's gradient r / r.size outside too.",
      [r"(divid\w*|mean).{0,30}before (the )?clip", r"clip\w*.{0,30}after (divid|the mean)",
       r"r ?/ ?r\.size.{0,20}clip", r"(never|not|nothing) (is )?clipped", r"squared[- ]error'?s? gradient",
       r"outside.{0,40}(not clipped|r ?/|unclipped|linear part (missing|ignored))", r"(order|before).{0,30}(divid|clip)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r / r.size, -delta, delta)
      """),
    E("ls8_huber_outside_delta_squared", "lstm", "huber_backward",
      "Outside |r| <= delta the gradient is delta**2 * sign(r) instead of delta * sign(r) (delta "
      "times too large there; right only for delta = 1); the inside is right.",
      [r"delta ?\*\* ?2", r"delta squared", r"square of delta", r"delta times (too (large|big)|the right)",
       r"(extra|additional) factor (of )?delta", r"outside.{0,60}(delta|factor)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, r, delta ** 2 * np.sign(r))
          return dloss * dr / r.size
      """),
]
