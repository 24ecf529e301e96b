"""A twelfth held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (19:50-20:20 UTC) by helper blind12, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages, any grader output, git log messages or diffs, docs/MEASUREMENTS.md or the reader
reports. It read only bench/catalogue_heldout*.py (for the format and to avoid their slips),
the graded functions' signatures, docstrings and worked solution cells, and
/work/shared/CURRICULUM.md. It was committed before any entry was run through the grader
(no feedback_catalogue run, no test cell, no pytest, no grading CLI). Each entry was checked
only against the worked solutions with a throwaway script: it runs, returns float64 outputs
of the right shapes, and differs from the worked solution by more than 3% somewhere, on
three seeds.

    python bench/feedback_catalogue.py bench/catalogue_heldout12.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is meant to be a slip none of the earlier held-out catalogues has. This round
leans towards slips inside the bodies of the longer backward passes: in softmax's network an
L2 term for a loss that has none, a ReLU mask tested on the ReLU's output with >= 0, db1 sent
back from db2, a loop over the examples that starts at 1; in the LSTM step tanh of dnext_c
for tanh of next_c, the gates i and f unpacked in each other's place, Wh shadowed by its own
gradient, the output gate's slope taken at next_h; in the LSTM sequence np.add without a
target, a unit-norm clip of the hidden carry, the loss's dh of step 0 skipped; in the RNNs a
stale delta, a carry that accumulates, a batch summed before the outer product.
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
    E("st12_dden_num_twice", "staged", "staged_backward",
      "The reciprocal's gradient multiplies by num again, dden = -num / den**2 * dinvden, although "
      "dinvden = num * df already holds num: the denominator's paths carry num squared.",
      TWICE + [r"num(erator)?\b.{0,40}(twice|again|squared|too many|extra|second time)",
               r"(extra|additional|one more) factor (of )?(the )?num", r"times num(erator)?\b",
               r"factor num(erator)? too many", r"num(erator)?\s*\*\*\s*2|num(erator)?\^2"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -num / den ** 2 * dinvden
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
    E("st12_dy_square_2y", "staged", "staged_backward",
      "y's share of the square's gradient is taken as 2 * y * dxpysqr (the derivative of y**2) "
      "instead of 2 * (x + y) * dxpysqr; dx is right.",
      [r"2 ?\*? ?y\b", r"(derivative|gradient) of y ?\*\* ?2", r"y\*\*2|y\^2|y squared",
       r"(x|the x) (is )?(left out|missing|forgotten|dropped).{0,40}(square|x ?\+ ?y)",
       r"(square|x ?\+ ?y|xpy).{0,60}(y alone|only y|without x)",
       r"dy.{0,60}(square|\(x ?\+ ?y\)|xpy).{0,40}(wrong|instead)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = dden
          dxpysqr = dden
          dx = 2.0 * xpy * dxpysqr
          dy = 2.0 * y * dxpysqr
          dx = dx + sigx * (1.0 - sigx) * dsigx
          dx = dx + dnum
          dy = dy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st12_returns_dy_dx", "staged", "staged_backward",
      "Both gradients are right but returned in the wrong order, (dy, dx) instead of (dx, dy).",
      [r"(wrong|other|reverse\w*|swapped) order", r"(swapped|exchanged|in each other'?s place)",
       r"dx.{0,30}(is|equals|matches) (the )?(expected|right|correct) dy",
       r"dy.{0,30}(is|equals|matches) (the )?(expected|right|correct) dx",
       r"(returned|outputs?) (in|as) .{0,20}\(dy, ?dx\)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dy, dx
      """),
    E("st12_add_sign_y", "staged", "add_backward",
      "dy is dout * sign(y), as if the gate used |y|, so where y is negative dy has the "
      "opposite sign; dx is right.",
      NEGATED + [r"sign\(y\)|sign of y", r"\|y\||abs(olute)?\b.{0,20}y",
                 r"(where|when) y (is )?(negative|< ?0)", r"negative y"],
      """
      def add_backward(dout, x, y):
          dx = dout.copy()
          dy = dout * np.sign(y)
          return dx, dy
      """),
    E("st12_mul_dx_mean_y", "staged", "mul_backward",
      "dx multiplies the upstream gradient by the mean of y (one number for every entry) "
      "instead of y entry by entry; dy is right.",
      CONSTANT + [r"mean of y|y'?s? mean|average of y|y\.mean", r"(one|single|same) (number|value|factor)",
                  r"(entry by entry|elementwise|element-wise).{0,40}y", r"y.{0,30}averag"],
      """
      def mul_backward(dout, x, y):
          dx = dout * y.mean()
          dy = dout * x
          return dx, dy
      """),
    E("st12_max_compares_products", "staged", "max_backward",
      "The winner is chosen by comparing x * dout with y * dout instead of x with y, so where "
      "dout is negative the gradient goes to the input that lost.",
      [r"(where|when) (the upstream( gradient)?|dout) (is )?(negative|< ?0)",
       r"negative (upstream|dout)", r"x ?\* ?dout|dout ?\* ?x", r"sign of (the upstream|dout)",
       r"(wrong|losing|other) input.{0,60}(negative|dout)",
       r"(comparison|winner|mask).{0,60}(depends on|uses|includes) (the upstream|dout)"],
      """
      def max_backward(dout, x, y):
          x_wins = x * dout > y * dout
          dx = np.where(x_wins, dout, 0.0)
          dy = np.where(x_wins, 0.0, dout)
          return dx, dy
      """),
    E("st12_numgrad_fplus_before_step", "staged", "numerical_gradient",
      "f_plus is evaluated before x[i] is moved to old + h, so the estimate is "
      "(f(x) - f(x - h)) / 2h, about half the right derivative (a one-sided difference halved).",
      HALF + [r"f\(x\) ?- ?f\(x ?- ?h\)", r"(before|without) (the )?(step|perturb|x\[i\] (is )?(moved|changed|set))",
              r"unperturbed", r"one[- ]sided", r"(plus|forward) (step|side) (is )?(never|not) (taken|applied|made)",
              r"f_plus.{0,40}(at|equals?) f\(x\)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              f_plus = f(x)
              x[i] = old + h
              x[i] = old - h
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st12_softplus_dt_times_t", "staged", "softplus_circuit",
      "In num = x * tanh(y) the gradient on tanh(y) is dnum * t (its own value) instead of "
      "dnum * x (the other factor), so dy's path through the fraction is wrong; g and dx are right.",
      [r"(own|same) (value|factor)", r"other factor", r"tanh\(y\) ?\*\* ?2|tanh.{0,10}squared",
       r"t ?\* ?t\b|t\*\*2", r"(instead of|in place of|where) x\b.{0,40}(belongs|should)",
       r"dy.{0,60}(fraction|tanh|numerator).{0,60}(wrong|instead|factor)",
       r"factor x (is )?(missing|forgotten|replaced)"],
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
          dt = dnum * t
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    # ======================================================================= sigmoid (7)
    E("sg12_one_minus_z_summed", "sigmoid", "sigmoid_layer_backward",
      "A misplaced .sum(): the local gradient is z * (1 - z).sum(), the sum of (1 - z) over all "
      "units, instead of z * (1 - z) unit by unit.",
      [r"sum(med)? (of|over) (the )?(1 ?- ?z|units)", r"\(1 ?- ?z\)\.sum", r"(1 ?- ?z).{0,40}(summed|sum over|total)",
       r"(one|single|same) (number|value|factor) for (all|every) units?",
       r"(unit by unit|elementwise|element-wise|per unit).{0,40}(1 ?- ?z|local)",
       r"local gradient.{0,60}(sum|total|wrong|instead)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z).sum()
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg12_z_pow_z", "sigmoid", "sigmoid_layer_backward",
      "A typo of ** for *: the local gradient is z - z**z instead of z - z*z = z(1 - z).",
      [r"z ?\*\* ?z", r"z to the power( of)? z", r"power", r"\*\* (for|instead of) \*",
       r"local gradient.{0,60}(wrong|not z ?\(1 ?- ?z\)|instead)", r"exponent"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = z - z ** z
          da = dz * local
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg12_dW_first_column_bias", "sigmoid", "sigmoid_layer_backward",
      "A folded-bias habit: dW's first column is set to da, as if x[0] were a constant 1, "
      "instead of da * x[0]; the other columns and dx are right.",
      [r"bias", r"(first|0th) column", r"x\[0\]", r"constant 1|as if .{0,20}(were|was) 1",
       r"only (the )?(column|input) 0", r"(missing|without|forgot\w*) (the )?(factor|input) x\[0\]",
       r"column 0"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x)
          dW[:, 0] = da
          return dx, dW
      """),
    E("sg12_dx_loop_column_shift", "sigmoid", "sigmoid_layer_backward",
      "In a loop over the inputs dx[j] is taken from the previous column W[:, j - 1] (an index "
      "typo), so dx is the right one shifted by one input (dx[0] gets the last input's value).",
      SHIFT + RESHAPE + [r"j ?- ?1", r"index (typo|off)", r"previous (column|input)",
                         r"neighbou?ring (column|input|entry)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          D = x.shape[0]
          dx = np.zeros(D)
          for j in range(D):
              dx[j] = W[:, j - 1] @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg12_sat_log_local", "sigmoid", "saturated_fraction",
      "The natural log of the local gradient is compared with tol (log(z(1 - z)) < tol), which "
      "holds for every pair, so it returns 1.0.",
      [r"\blog\b", r"logarithm", r"(every|all) (pairs?|units?|entries) (are |is )?(counted|saturated)",
       r"always (1|one)", r"returns? 1(\.0)?\b", r"(every|each) pair"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(np.log(local) < tol))
      """),
    E("sg12_sat_all_per_example", "sigmoid", "saturated_fraction",
      "It returns the fraction of examples on which every unit is saturated (np.all over the "
      "units, axis 1) instead of the fraction of saturated (example, unit) pairs.",
      [r"(every|all) units?", r"np\.all", r"axis ?=? ?1", r"fraction of (the )?examples",
       r"per example", r"instead of (the fraction of )?(the )?pairs",
       r"(example|row)s? (on|in) which"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(np.all(local < tol, axis=1)))
      """),
    E("sg12_sat_drop_last_input", "sigmoid", "saturated_fraction",
      "The last input is dropped from X and W as if it were a bias column (X[:, :-1] @ W[:, :-1].T), "
      "so the pre-activations leave out one input's contribution.",
      [r"last (input|column|feature)", r"bias column", r"(one|an) input (is )?(left out|dropped|missing|ignored)",
       r":-1", r"(drop|omit|ignor|skip)\w* .{0,30}(input|column|feature)",
       r"pre-?activations? .{0,40}(missing|without|leave)"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X[:, :-1] @ W[:, :-1].T)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol))
      """),
    # ========================================================================== relu (7)
    E("rl12_mask_half", "relu", "relu_backward",
      "A sigmoid habit: the mask is a > 0.5 instead of a > 0, so entries with 0 < a <= 0.5 "
      "get 0 instead of dout.",
      [r"0\.5", r"(between|in) \(?0 ?(and|,) ?0\.5", r"threshold", r"small positive",
       r"(where|when) 0 ?< ?a", r"(positive|active) (inputs?|entries).{0,40}(blocked|zero|missing)",
       r"mask.{0,60}(wrong threshold|not 0|instead of 0)"],
      """
      def relu_backward(dout, cache):
          a = cache
          return np.where(a > 0.5, dout, 0.0)
      """),
    E("rl12_loop_dout_column_shift", "relu", "relu_backward",
      "In a loop over the columns the mask of column j is applied to dout[:, j - 1] (an index "
      "typo): each unit's gradient comes from its neighbour.",
      SHIFT + RESHAPE + [r"j ?- ?1", r"index (typo|off)", r"neighbou?r", r"(previous|adjacent|other) (column|unit)",
                         r"columns? (are )?(mixed|swapped)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.zeros_like(dout, dtype=np.float64)
          for j in range(a.shape[1]):
              da[:, j] = np.where(a[:, j] > 0, dout[:, j - 1], 0.0)
          return da
      """),
    E("rl12_leaky_max_slope_a", "relu", "leaky_relu_backward",
      "The local gradient is written max(slope, a) (the forward's max with a in place of the "
      "indicator), so on the positive side dout is multiplied by a instead of 1.",
      [r"max\(slope, ?a\)", r"(multipl|times|scaled)\w* (by )?(the input )?a\b", r"times a\b",
       r"(positive side|a ?> ?0).{0,60}(a ?\* ?dout|times a|multiplied by a|not 1|instead of 1)",
       r"(factor|by) a (instead of|where) 1", r"input (value|itself)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          return dout * np.maximum(slope, a)
      """),
    E("rl12_leaky_slope_percent", "relu", "leaky_relu_backward",
      "The slope is read as a percentage and divided by 100, so the negative side gets "
      "slope / 100 * dout (1/100 of the right value); the positive side is right.",
      [r"1 ?/ ?100", r"100 times (too )?small", r"percent", r"divided by 100",
       r"(negative side|a ?<=? ?0).{0,60}(too small|1/100|0\.01 times|hundred)",
       r"0\.01 times", r"slope.{0,40}(wrong|100)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          s = slope / 100.0
          return np.where(a > 0, dout, s * dout)
      """),
    E("rl12_prelu_dalpha_no_dout", "relu", "prelu_backward",
      "A parenthesis slip, np.minimum(a, 0 * dout), drops dout from dalpha: dalpha is the column "
      "sums of min(a, 0) alone; da is right.",
      [r"(without|missing|forgot\w*|never multipl\w*|not multiplied by) (the )?(upstream|dout)",
       r"dout (is )?(missing|forgotten|left out|dropped|never used)", r"0 ?\* ?dout",
       r"(independent of|does not depend on) (the upstream|dout)", r"sum of (the )?(negative )?(inputs|a)\b",
       r"parenthes"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.minimum(a, 0 * dout), axis=0)
          return da, dalpha
      """),
    E("rl12_prelu_da_plus_alpha", "relu", "prelu_backward",
      "da is written as alpha * dout plus dout on the positive side (out read as alpha * a + "
      "relu(a)), so the positive side gets (1 + alpha) * dout; dalpha is right.",
      [r"1 ?\+ ?alpha", r"plus alpha|alpha too many|extra alpha", r"(positive side|a ?> ?0).{0,60}(alpha|too large|extra)",
       r"alpha (is )?(applied|added|used) (on|to) (the )?(positive|both|every)",
       r"(both|every|all) (sides|entries).{0,30}alpha"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = alpha * dout + np.where(negative, 0.0, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("rl12_dead_mean_bias", "relu", "dead_neuron_fraction",
      "The pre-activation adds the mean of the biases (one number) to every unit instead of "
      "each unit's own bias b[j].",
      [r"mean (of )?(the )?bias", r"bias.{0,30}(mean|average|one number|same for every)",
       r"(one|single|same) bias", r"(own|each unit'?s?) bias", r"b\.mean|np\.mean\(b\)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b.mean()
          dead = np.all(pre <= 0, axis=0)
          return float(np.mean(dead))
      """),
    # =========================================================================== rnn (10)
    E("rn12_relu_carry_accumulates", "rnn", "relu_rnn_backward",
      "The carry is accumulated (carry = Whh.T @ delta + carry) instead of replaced, so every "
      "earlier step also receives the carries of all later steps again.",
      [r"accumulat", r"(added|adds) (to|on(to)?) (the )?(old|previous|running) carry", r"\+ ?carry",
       r"(instead of|not) (being )?replaced", r"(all|every) later steps?",
       r"(carry|gradient).{0,40}(counted|added) (twice|again|more than once)", r"skip connection"],
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
              carry = Whh.T @ delta + carry
          return dWhh, carry
      """),
    E("rn12_relu_stale_delta", "rnn", "relu_rnn_backward",
      "dWhh's term is added before delta is updated, so step t's previous state is paired with "
      "the delta of step t + 1 (and the last step's delta is never used in dWhh).",
      SHIFT + [r"(before|ahead of) (delta|the delta) (is )?(updated|computed)", r"stale",
               r"t ?\+ ?1'?s? delta", r"last step'?s? (delta|term).{0,40}(never|missing)",
               r"one iteration (late|early)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          delta = np.zeros(H)
          for t in reversed(range(T)):
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev)
              delta = (dhs[t] + carry) * (hs[t] > 0)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn12_relu_mask_prev_state", "rnn", "relu_rnn_backward",
      "dWhh's term also masks the previous state by h_prev > 0, which is harmless for the ReLU "
      "states but zeroes the entries of h0 that are negative in step 0's term; dh0 is right.",
      [r"h0", r"initial state", r"(step 0|first step)'?s? (term|contribution)",
       r"negative (entries|values|parts?) of (h0|the initial)", r"h_prev ?> ?0",
       r"mask.{0,40}(previous|earlier) state"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, h_prev * (h_prev > 0))
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn12_step_precedence", "rnn", "rnn_step_backward",
      "Missing parentheses: da = dnext_h * 1.0 - next_h ** 2 reads as dnext_h - next_h**2 "
      "instead of dnext_h * (1 - next_h**2).",
      [r"parenthes", r"precedence", r"dnext_h ?- ?next_h", r"minus next_h",
       r"(subtract|minus).{0,40}(square|next_h)", r"local gradient.{0,40}(subtracted|not multiplied)",
       r"(instead of|not) multipl"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * 1.0 - next_h ** 2
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn12_step_dWx_batch_sums", "rnn", "rnn_step_backward",
      "dWx is the outer product of the batch sums, np.outer(x.sum(0), da.sum(0)), instead of "
      "x.T @ da, the sum over the examples of each example's outer product.",
      [r"(sum|summed) (over )?the batch (first|before)", r"outer product of (the )?(batch )?sums",
       r"product of (the )?sums", r"(cross|mixed)[- ](terms|examples)", r"examples? (are )?(mixed|paired with other)",
       r"sum of (the )?(outer )?products"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = np.outer(x.sum(axis=0), da.sum(axis=0))
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn12_seq_dWh_skips_last", "rnn", "rnn_backward",
      "dWh skips the last step's term (guarded by t < T - 1, thinking the last step has no "
      "recurrent use), so dWh misses one step; dx, dh0, dWx and db are right.",
      [r"last (time )?step'?s? (term|contribution).{0,40}(missing|left out|never|skipp)",
       r"(missing|without|except|skips?) (the )?last (time )?step", r"t ?< ?T ?- ?1",
       r"one step('?s term)? (is )?missing", r"(all|every) steps? (but|except) the last"],
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
              if t < T - 1:
                  dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn12_seq_carry_starts_dh_last", "rnn", "rnn_backward",
      "The carry starts as dh[:, T-1] instead of zeros and the loop adds dh[:, T-1] again, so "
      "the last step's upstream gradient is counted twice.",
      TWICE + DOUBLE + [r"(carry|running gradient) (starts?|initiali[sz]ed) (as|with|from) dh",
                        r"last step'?s? (upstream|dh|loss gradient).{0,40}(twice|two|doubl|again)",
                        r"(instead of|not) zeros?"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = dh[:, T - 1, :].copy()
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn12_seq_dh0_tanh_again", "rnn", "rnn_backward",
      "dh0 is multiplied by 1 - h0**2 after the loop, as if h0 were the output of a tanh, "
      "although step 0 already sent back the gradient on h0 itself.",
      [r"1 ?- ?h0", r"h0 ?\*\* ?2|h0 squared", r"(extra|additional|second|again).{0,30}tanh",
       r"tanh'?s? (derivative|local gradient).{0,40}(h0|initial|again|extra)",
       r"as if h0", r"initial state.{0,40}(tanh|factor)"] + TWICE,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, h0, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dh0 = dprev * (1.0 - h0 ** 2)
          return dx, dh0, dWx, dWh, db
      """),
    E("rn12_clip_spectral_norm", "rnn", "clip_grad_norm",
      "np.linalg.norm(g, 2) is used for each array: for a matrix that is its largest singular "
      "value, not the square root of the sum of its squared entries, so total_norm is too small.",
      [r"singular value", r"spectral norm", r"ord ?=? ?2|norm\(g, ?2\)", r"operator norm",
       r"(not|instead of) the (l2|euclidean|frobenius)", r"frobenius",
       r"total_norm.{0,40}(too small|smaller)", r"sum of (the )?squares"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.linalg.norm(g, 2) ** 2 for g in grads.values())))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn12_spectral_of_square", "rnn", "spectral_radius",
      "It returns the spectral radius of W @ W (the square of the right one) instead of W's.",
      [r"square", r"W ?@ ?W\b", r"W\s*\*\*\s*2|W\^2", r"\*\*2|\^2", r"two steps"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.linalg.eigvals(W @ W))))
      """),
    # ======================================================================= softmax (17)
    E("sm12_aff_dW_centred_x", "softmax", "affine_backward",
      "dW uses the batch-centred inputs (x - x.mean(0)).T @ dout, a normalisation habit, instead "
      "of x.T @ dout; dx and db are right.",
      [r"cent(er|re)d?", r"mean of x|x'?s? mean|x\.mean", r"(subtract|minus)\w* (the )?(batch )?mean",
       r"normali[sz]", r"minus .{0,30}mean.{0,30}(db|outer)", r"x ?- ?x\.mean"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          xc = x - x.mean(axis=0)
          dW = xc.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm12_aff_dx_pinv", "softmax", "affine_backward",
      "dx multiplies dout by the pseudo-inverse of W (undoing the layer) instead of by W's "
      "transpose.",
      [r"pseudo-?inverse", r"pinv", r"invers", r"undo", r"(instead of|not) (W'?s? )?transpos"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ np.linalg.pinv(W)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm12_aff_db_total_spread", "softmax", "affine_backward",
      "db is the total sum of dout spread evenly over the M outputs (dout.sum() / M in every "
      "entry) instead of each output's column sum.",
      CONSTANT + [r"(total|whole|grand) sum", r"spread|evenly|equally", r"/ ?M\b|divided by M",
                  r"(each|every) (output|column)'?s? (own )?(column )?sum", r"per (output|column)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          M = dout.shape[1]
          db = np.full(M, dout.sum() / M)
          return dx, dW, db
      """),
    E("sm12_aff_dW_transpose_reshape", "softmax", "affine_backward",
      "dW is computed as dout.T @ x and reshaped to W's shape instead of transposed, so its "
      "values are in the wrong places.",
      RESHAPE + TRANSPOSED + [r"dout\.T ?@ ?x"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = (dout.T @ x).reshape(W.shape)
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm12_sce_argmax_labels", "softmax", "softmax_cross_entropy_backward",
      "dlogits replaces the soft labels by a one-hot of each row's largest label (argmax), "
      "p - onehot(argmax), instead of p * rowsum - labels; dlabels is right.",
      [r"argmax", r"one-?hot", r"hard label", r"largest label", r"soft labels? (are |is )?(ignored|replaced|treated)",
       r"(only|just) (the )?(top|largest|most likely)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          hard = np.zeros_like(labels)
          hard[np.arange(N), labels.argmax(axis=1)] = 1.0
          dlogits = dloss * (probs - hard) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm12_sce_dlabels_centred_log", "softmax", "softmax_cross_entropy_backward",
      "dlabels subtracts each row's mean of log p (as if log p were defined up to a constant), "
      "-(log p - mean(log p)) / N, instead of -log p / N; dlogits is right.",
      [r"(row'?s? )?mean of log", r"cent(er|re)d?", r"(subtract|minus)\w* (the |each )?(row'?s? )?mean",
       r"plus (a|one) (constant|number) (per|in each|for each) row", r"(shifted|offset) (by|per) row",
       r"up to a constant", r"constant (per|in each|for each) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          logp = np.log(probs)
          dlabels = -dloss * (logp - logp.mean(axis=1, keepdims=True)) / N
          return dlogits, dlabels
      """),
    E("sm12_sce_dlabels_only_labelled", "softmax", "softmax_cross_entropy_backward",
      "dlabels is set to 0 wherever the label is 0 (as if an absent label had no gradient), "
      "instead of -log p / N in every entry; dlogits is right.",
      ZEROS + [r"(where|when) (the )?label (is )?(zero|0)", r"zero labels?", r"labels? (equal to|==) ?0",
               r"(unlabel+ed|absent) (classes|entries)", r"only (where|the) (labelled|label ?> ?0)",
               r"(masked|mask) by (the )?labels"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = np.where(labels > 0, -dloss * np.log(probs) / N, 0.0)
          return dlogits, dlabels
      """),
    E("sm12_sce_paren_p_times_diff", "softmax", "softmax_cross_entropy_backward",
      "A parenthesis slip, probs * (row_sums - labels), multiplies the labels' term by p too, "
      "instead of probs * row_sums - labels; dlabels is right.",
      [r"parenthes", r"p ?\* ?\(.{0,20}- ?labels", r"labels'? term.{0,40}(times|multiplied by) (p|the prob)",
       r"(extra|too many) factor (of )?(p|the prob)", r"(times|multiplied by) (the )?probabilit"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * probs * (row_sums - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm12_sce_dlabels_times_p", "softmax", "softmax_cross_entropy_backward",
      "dlabels carries an extra factor p, -p log p / N (an entropy habit), instead of -log p / N; "
      "dlogits is right.",
      [r"(extra|additional|too many) factor (of )?(p|the prob)", r"p ?\* ?log ?p|p log p", r"entropy",
       r"times (the )?(p|probabilit)", r"multiplied by (the )?(p|probabilit)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * probs * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm12_sce_dlabels_rel_max", "softmax", "softmax_cross_entropy_backward",
      "dlabels takes the log of p divided by the row's largest p (a max-shift habit) instead of "
      "log p, so every row is off by log(max p); dlogits is right.",
      [r"(largest|max\w*) (p|prob)", r"max[- ]shift", r"log ?\(?max", r"divided by (the )?(row'?s? )?(max|largest)",
       r"(plus|minus|offset by|shifted by) (a|one) (constant|number) (per|in each|for each) row",
       r"constant (per|in each|for each) row"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs / probs.max(axis=1, keepdims=True)) / N
          return dlogits, dlabels
      """),
    E("sm12_mlp_dX_masked_by_X", "softmax", "mlp_backward",
      "After the first layer, dX is also masked by X > 0, as if the input had come out of a "
      "ReLU; every parameter gradient is right.",
      [r"X ?> ?0", r"(negative|non-?positive) (inputs?|entries of X)", r"(input|X).{0,40}(ReLU|mask)",
       r"as if (the )?input", r"extra (ReLU|mask)", r"zero(ed)? where (X|the input)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          X = aff1_cache[0]
          dX = dX * (X > 0)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_mask_h_ge_0", "softmax", "mlp_backward",
      "The ReLU mask is tested on the ReLU's output h with >= 0, which always holds, so the "
      "ReLU is in effect skipped in the backward pass.",
      [r"(always|every(where)?) (holds|true|passes|1)", r">= ?0", r"(relu|mask).{0,40}(skipped|ignored|no effect|never blocks)",
       r"(inactive|negative|dead) (units|side|pre-?activations).{0,40}(pass|let through|not (blocked|zeroed))",
       r"(output|h) instead of (the |its )?input", r"without (the )?(relu|mask)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          h = aff2_cache[0]
          da = dh * (h >= 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_loop_from_1", "softmax", "mlp_backward",
      "Written with a loop over the examples that starts at 1 (range(1, N)), so example 0's "
      "contribution to dW2 and db2 is missing; the first layer is right.",
      [r"(example|row) 0", r"first (example|row)", r"range\(1", r"(starts?|begins?) at 1",
       r"(missing|left out|skip\w*|without) (the )?(first|one) (example|row)",
       r"(all|every) (examples|rows) (but|except) the first"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h, W2, b2 = aff2_cache
          N = h.shape[0]
          dW2 = np.zeros_like(W2)
          db2 = np.zeros_like(b2)
          for n in range(1, N):
              dW2 += np.outer(h[n], dlogits[n])
              db2 += dlogits[n]
          dh = dlogits @ W2.T
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_l2_term", "softmax", "mlp_backward",
      "A regularisation habit: W1 and W2 are added to their gradients (the gradient of an L2 "
      "penalty the loss does not have); dX and the biases are right.",
      [r"regulari[sz]", r"\bL2\b", r"weight decay", r"plus (the )?(weights|W1|W2)",
       r"\+ ?W[12]\b", r"(adds?|added) (the )?(weights|W1|W2)", r"penalt"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          dW1 = dW1 + aff1_cache[1]
          dW2 = dW2 + aff2_cache[1]
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_total_label_sum", "softmax", "mlp_backward",
      "Written out by hand, the probabilities are multiplied by the total of all labels "
      "(labels.sum(), no axis) instead of each row's label sum, so every gradient is wrong.",
      [r"total (of all |sum of (all )?(the )?)?labels?", r"labels\.sum\(\)", r"(no|without an?) axis",
       r"(whole|entire) batch'?s? label", r"(each|every) row'?s? (own )?(label )?sum",
       r"row sums?.{0,40}(wrong|instead)", r"N times"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          logits, labels, probs = loss_cache
          N = logits.shape[0]
          dlogits = dloss * (probs * labels.sum() - labels) / N
          h, W2, b2 = aff2_cache
          dW2 = h.T @ dlogits
          db2 = dlogits.sum(axis=0)
          da = (dlogits @ W2.T) * (relu_cache > 0)
          X, W1, b1 = aff1_cache
          return da @ W1.T, {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_dW2_row_shift", "softmax", "mlp_backward",
      "Written with a loop over the hidden units, row j of dW2 is taken from the previous unit's "
      "activations h[:, j - 1] (an index typo): dW2's rows are shifted by one.",
      SHIFT + RESHAPE + [r"j ?- ?1", r"index (typo|off)", r"rows? (are )?(shifted|mixed|swapped)",
                         r"previous (hidden )?unit", r"neighbou?ring (hidden )?unit"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          h, W2, b2 = aff2_cache
          dW2 = np.zeros_like(W2)
          for j in range(W2.shape[0]):
              dW2[j] = h[:, j - 1] @ dlogits
          db2 = dlogits.sum(axis=0)
          da = (dlogits @ W2.T) * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm12_mlp_db1_from_db2", "softmax", "mlp_backward",
      "db1 is sent back from db2 through W2 (db2 @ W2.T) without the ReLU mask, instead of "
      "summing the masked hidden gradient over the batch; the weights and dX are right.",
      [r"db2 ?@ ?W2", r"(from|through) db2", r"(without|before|ignor\w*) (the )?(relu )?mask",
       r"relu.{0,30}(skipped|ignored|not applied)", r"(sum|summed) before the mask",
       r"b1.{0,60}(mask|relu)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, _ = affine_backward(da, aff1_cache)
          db1 = db2 @ aff2_cache[1].T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ========================================================================== lstm (17)
    E("ls12_step_do_slope_at_next_h", "lstm", "lstm_step_backward",
      "The output gate's local gradient is evaluated at next_h = o * tanh(next_c) instead of at o: "
      "the o block is do * h(1 - h); every other block is right.",
      [r"next_h", r"(output|o) gate'?s? (block|slope|local gradient|derivative)",
       r"(the )?o block", r"h ?\(1 ?- ?h\)", r"(instead of|not) (at )?o\b",
       r"only (the )?(output|o)[- ]gate'?s? (block|columns)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          next_h = o * tanh_c
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * g
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * next_h * (1.0 - next_h), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls12_step_di_times_tanh_c", "lstm", "lstm_step_backward",
      "The input gate's gradient is dc * tanh(next_c) (the cell's tanh) instead of dc * g (the "
      "candidate): the i block is wrong.",
      [r"(input|i) gate'?s? (block|gradient|columns)", r"(the )?i block", r"tanh\(next_c\).{0,40}(instead|where|for) (of )?g",
       r"(candidate|g\b).{0,40}(replaced|instead)", r"only (the )?(input|i)[- ]gate'?s? (block|columns)",
       r"(cell'?s?|the other) tanh"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f
          di = dc * tanh_c
          dg = dc * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("ls12_step_g_slope_typo_i", "lstm", "lstm_step_backward",
      "A typo in the candidate's tanh derivative, (1 - g) * (1 + i) instead of (1 - g) * (1 + g): "
      "the g block is wrong.",
      [r"(candidate|g)'?s? (block|gradient|local gradient|derivative|columns)", r"(the )?g block",
       r"1 ?\+ ?i\b", r"(input gate|i)\b.{0,30}(instead of|where|for) g",
       r"only (the )?(candidate|g)'?s? (block|columns)", r"typo"],
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
                               do * o * (1.0 - o), dg * (1.0 - g) * (1.0 + i)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls12_step_tanh_of_dnext_c", "lstm", "lstm_step_backward",
      "A one-letter typo, tanh_c = np.tanh(dnext_c): the cell's tanh is taken of the incoming "
      "cell gradient instead of the cell state next_c.",
      [r"dnext_c", r"(tanh|tangent).{0,40}(of the )?(incoming |upstream )?(cell )?gradient",
       r"gradient (in place of|instead of|for) (the )?(cell state|next_c)", r"typo"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(dnext_c)
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
    E("ls12_step_Wh_shadowed", "lstm", "lstm_step_backward",
      "The name Wh is reused for its gradient (Wh = prev_h.T @ da) before dprev_h is computed, "
      "so dprev_h = da @ dWh.T; every other output is right.",
      [r"(reused|shadow|overwr)\w*", r"dWh.{0,20}(instead of|in place of|where) Wh",
       r"(gradient|dWh) (used )?(as|for) (the )?weights", r"da ?@ ?dWh", r"same name"],
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
          dWx = x.T @ da
          Wh = prev_h.T @ da
          dprev_h = da @ Wh.T
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, Wh, db
      """),
    E("ls12_step_cell_recomputed_with_o", "lstm", "lstm_step_backward",
      "The cell state is recomputed as f * prev_c + i * o (the output gate typed for the "
      "candidate g) instead of taken from the cache, so tanh(next_c) is wrong everywhere.",
      [r"i ?\* ?o\b", r"(output gate|o)\b.{0,30}(instead of|where|for|in place of) (the )?(candidate|g)\b",
       r"recomput\w* (the )?cell", r"cell state.{0,40}(wrong|recomputed|instead)",
       r"tanh\(next_c\).{0,40}wrong", r"typo"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          c = f * prev_c + i * o
          tanh_c = np.tanh(c)
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
    E("ls12_step_unpack_f_i", "lstm", "lstm_step_backward",
      "The cache is unpacked with f and i in each other's place, (..., f, i, o, g, ...), so the "
      "input and forget gates are exchanged everywhere (dprev_c = dc * i, dg = dc * f, and the "
      "gate blocks' slopes).",
      [r"(input|i) and (the )?(forget|f) gates?.{0,40}(swapped|exchanged|in each other|mixed)",
       r"(forget|f) and (the )?(input|i) gates?.{0,40}(swapped|exchanged|in each other|mixed)",
       r"unpack", r"(i|input gate) (instead of|where|in place of) (f|the forget)",
       r"(f|forget gate) (instead of|where|in place of) (i|the input)", r"cache order"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, f, i, o, g, next_c = cache
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
    E("ls12_step_weights_raw_dg", "lstm", "lstm_step_backward",
      "Two gate-gradient arrays are built and the weights take the one whose g block has no tanh "
      "derivative: dWx, dWh and db have the candidate's block dg instead of dg * (1 - g**2); "
      "dx, dprev_h and dprev_c are right.",
      [r"(candidate|g)'?s? (block|columns)", r"(the )?g block", r"1 ?- ?g ?\*\* ?2|1 ?- ?g\^2|1 ?- ?g²",
       r"tanh'?s? (derivative|local gradient|slope).{0,40}(missing|forgotten|left out)",
       r"(missing|without) (the )?(factor )?(1 ?- ?g|tanh)", r"only (the )?(candidate|g)'?s? (block|columns)"],
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
          da_raw = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                                   do * o * (1.0 - o), dg], axis=1)
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da_raw
          dWh = prev_h.T @ da_raw
          db = da_raw.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls12_seq_dh0_saved_early", "lstm", "lstm_backward",
      "dh0 is saved at the top of each iteration (before the step's call), so it ends as the "
      "carry step 1 sent to step 0, not what step 0 sends to h0.",
      SHIFT + [r"(step 1|second step)'?s? (carry|dprev_h|gradient)", r"(before|ahead of) (the )?(step'?s? )?call",
               r"(carry|gradient) (in|into) step 0", r"one step (too )?(late|early)",
               r"(not|never) (passed|sent) (back )?through step 0"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          dh0 = dprev_h
          for t in reversed(range(T)):
              dh0 = dprev_h
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dh0, dWx, dWh, db
      """),
    E("ls12_seq_skip_dh_step0", "lstm", "lstm_backward",
      "A guard `if t:` adds the loss's dh[:, t] only for t > 0, so step 0 gets only the carry "
      "from step 1 and its own upstream gradient is lost.",
      [r"(step 0|first step)'?s? (upstream|loss|own|dh)", r"dh\[:, ?0\]", r"if t\b",
       r"(missing|ignor|lost|dropp|skipp)\w* .{0,40}(step 0|first step|t ?= ?0)",
       r"only (the )?(first|step 0).{0,40}(wrong|differ)", r"(all|every) steps? (but|except) (the first|step 0)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dnext_h = dprev_h
              if t:
                  dnext_h = dnext_h + dh[:, t]
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dnext_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls12_seq_db_over_N", "lstm", "lstm_backward",
      "db accumulates db_t / N (a per-example mean habit for the bias only), so db is 1/N of "
      "the right one; dWx, dWh, dx and dh0 are right.",
      [r"1 ?/ ?N\b", r"divided by N", r"N times (too )?small", r"(mean|averag)\w* over the batch",
       r"batch size", r"(missing|too many) (a )?factor (of )?N"],
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
              db += db_t / N
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls12_seq_np_add_discarded", "lstm", "lstm_backward",
      "dWx is accumulated with np.add(dWx, dWx_t), whose result is thrown away, so dWx stays "
      "all zeros; the other outputs are right.",
      ZEROS + [r"np\.add", r"(result|sum) (is )?(thrown away|discarded|never (stored|assigned))",
               r"never (accumulated|added|updated)"],
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
              np.add(dWx, dWx_t)
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls12_seq_dx_list_not_reversed", "lstm", "lstm_backward",
      "The steps' dx are appended to a list in backward order and stacked along time without "
      "reversing the list, so dx is reversed in time; the other outputs are right.",
      REVERSED + [r"(time )?order", r"list"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          _, _, _, Wx, Wh = cache[0][:5]
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
          return np.stack(dxs, axis=1), dprev_h, dWx, dWh, db
      """),
    E("ls12_seq_clip_hidden_carry", "lstm", "lstm_backward",
      "A clipping habit inside the loop: the hidden-state carry is rescaled to norm at most 1 "
      "before it is passed to the earlier step, so everything before the last step is shrunk.",
      [r"clip", r"rescal", r"norm", r"shrunk|shrink|too small", r"only (the )?last (time )?step",
       r"(every|all) (time )?steps? (but|except) the last"],
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
              norm = np.linalg.norm(dprev_h)
              if norm > 1.0:
                  dprev_h = dprev_h / norm
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls12_huber_tanh", "lstm", "huber_backward",
      "A smooth stand-in, delta * tanh(r / delta), is used for the clipped error: it bends "
      "inside |r| <= delta too, so the inside values are too small.",
      [r"tanh", r"smooth", r"inside.{0,60}(too small|wrong|not r|bent|curv)",
       r"(quadratic|inner) (region|part).{0,60}(wrong|too small|not r)",
       r"(not|instead of) (exactly )?r\b"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * delta * np.tanh(r / delta) / r.size
      """),
    E("ls12_huber_flat_shift", "lstm", "huber_backward",
      "In a loop over the flattened entries, entry k gets the clipped value of entry k - 1 (an "
      "index typo), so the gradient is shifted by one entry (the first gets the last's).",
      SHIFT + RESHAPE + [r"k ?- ?1", r"index (typo|off)", r"neighbou?ring entry", r"previous entry"],
      """
      def huber_backward(dloss, r, delta=1.0):
          flat = r.ravel()
          out = np.zeros(r.size)
          for k in range(r.size):
              v = flat[k - 1]
              out[k] = min(max(v, -delta), delta)
          return dloss * out.reshape(r.shape) / r.size
      """),
    E("ls12_huber_centred", "lstm", "huber_backward",
      "The errors are centred first (r - r.mean()), a normalisation habit, so every clipped "
      "value is taken at a shifted error.",
      [r"cent(er|re)d?", r"(subtract|minus)\w* (the )?mean", r"r\.mean|mean of r|mean error",
       r"shifted (error|by)", r"offset", r"normali[sz]"],
      """
      def huber_backward(dloss, r, delta=1.0):
          rc = r - r.mean()
          return dloss * np.clip(rc, -delta, delta) / r.size
      """),
]
