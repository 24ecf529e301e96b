"""A seventh held-out catalogue of wrong implementations (issue #27), written blind.

Written on 2026-12-07 (06:34-07:10 UTC) by helper blind7, which did not read the checks,
the explainer, the detectors, their tests, the docs about feedback wording, the grader's
messages or any grader output. It read only bench/catalogue_heldout2.py to
catalogue_heldout6.py (for the format and to avoid their slips), the docstring of
bench/feedback_catalogue.py, the graded functions' signatures, docstrings and worked
solution cells, and /work/shared/CURRICULUM.md. It was committed before any entry was run
through the grader (no feedback_catalogue run, no test cell, no pytest, no grading CLI).
Each entry was checked only against the worked solutions, with a throwaway script: it
runs, returns float64 outputs of the right shapes, and differs from the worked solution
by more than 3% somewhere, on three seeds (one entry, lstm7_T_from_batch, depends on the
batch being smaller than T; with a larger batch it raises an IndexError).

    python bench/feedback_catalogue.py bench/catalogue_heldout7.py

Each entry is a whole wrong solution cell for one graded function, written the way a student
slips, and each is a slip that none of the earlier held-out catalogues has (a minus step of
2h divided by 2h, the sum den = sigx + xpysqr differentiated as a product, the tanh's
derivative for the sigmoid written z(1 - z**2), a percentage for a fraction, the carried
gradient subtracted, the square of the sum for the sum of squares, the log-sum-exp of the
unshifted logits with the shifted max, np.log(probs, out=probs), the i and o gates' local
gradients exchanged, * for + in the cell gradient, N - 1 in Huber's mean, ...).
`accept` holds case-insensitive regular expressions; any one found in a failing message's
text about the answer counts as naming the mistake. They accept a correct description in
other words: the mistake's cause, or the exact relation between the wrong answer and the
right one ("1.5 times the right one", "of the opposite sign", "only the last time step is
right", "the output gate's block is wrong", "N/(N - 1) times"), naming the quantity
involved; never only a location or an output's name.
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
SHIFT = [r"shift", r"off[- ]by[- ]one", r"(belongs?|meant) (to|for) (the )?(next|previous|neighbou?ring|adjacent) step",
         r"(next|following|later|neighbou?ring|adjacent|previous|earlier) (time )?step'?s? (upstream|dh|carry|gradient)",
         r"one step (early|late|earlier|later|off|too)", r"\broll", r"(delayed|lag)"]
NEGATED = [r"(-1|minus one|−1) times", r"negat(ed|ion|ive of)", r"opposite sign", r"sign (is )?(flipped|wrong|reversed)",
           r"wrong sign", r"flipped sign", r"sign error"]
HALF = [r"\bhalf\b", r"1\s*/\s*2\b", r"0\.5 times", r"two times too small", r"twice too small"]
DOUBLE = [r"\b2 times", r"two times", r"twice", r"doubl", r"2x\b", r"factor (of )?(2|two)\b"]
ZEROS = [r"all zeros?", r"(is|are|stays?|left|returns?) (all )?zeros?", r"zero everywhere", r"never (filled|written|set)"]
CONSTANT = [r"constant", r"same (value|number) (everywhere|in every|for every|in each)", r"does not depend",
            r"independent of"]
LAST_STEP_ONLY = [r"only (the )?last (time )?step", r"(every|all) (time )?steps? (but|except) the last",
                  r"only (at )?t\s*=\s*T\s*-\s*1"]


CATALOGUE = [
    # ======================================================================== staged (9)
    E("st7_num_minus_2h", "staged", "numerical_gradient",
      "The minus step goes to x[i] - 2h while the difference is still divided by 2h, so the "
      "estimate spans 3h: every value is 1.5 times the right one.",
      [r"1\.5 times", r"3\s*/\s*2", r"three halves", r"50 ?% (too )?(large|big|high)", r"3 ?h\b",
       r"2 ?\* ?h.{0,40}(minus|backward|lower) step", r"(minus|backward|lower) step.{0,40}(2 ?h|twice)",
       r"steps? (are )?(not )?(symmetric|asymmetric|unequal|lopsided)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h
              f_plus = f(x)
              x[i] = old - 2 * h
              f_minus = f(x)
              x[i] = old
              grad[i] = (f_plus - f_minus) / (2 * h)
          return grad
      """),
    E("st7_num_reversed_difference", "staged", "numerical_gradient",
      "The difference is taken as f(x - h) - f(x + h), so every value has the opposite sign.",
      NEGATED + [r"f_?minus ?- ?f_?plus", r"(order|sides?) of the difference", r"subtract\w* the wrong way",
                 r"difference (is )?(reversed|backwards|the wrong way)"],
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
              grad[i] = (f_minus - f_plus) / (2 * h)
          return grad
      """),
    E("st7_add_dy_is_y", "staged", "add_backward",
      "dy returns a copy of the input y instead of the upstream gradient dout (dx is right).",
      [r"\by\b.{0,30}(input|value).{0,40}(instead|where|in place|rather)", r"(equals?|is|returns?) (the |a copy of )?(input )?y\b",
       r"input'?s? (own )?values?", r"forward (value|input)", r"dy (equals|is) y", r"does not depend on (the )?(upstream|dout)",
       r"instead of (the upstream|dout)"],
      """
      def add_backward(dout, x, y):
          dx = dout.copy()
          dy = y.copy()
          return dx, dy
      """),
    E("st7_mul_divides", "staged", "mul_backward",
      "dx divides the upstream gradient by y (as for a quotient gate) instead of multiplying "
      "by y; dy is right.",
      [r"divid\w* by y", r"dout ?/ ?y", r"1 ?/ ?y", r"y\s*\*\*\s*2", r"y squared", r"y\^?2",
       r"quotient", r"divi(sion|de) (gate|instead)", r"instead of multipl"],
      """
      def mul_backward(dout, x, y):
          dx = dout / y
          dy = dout * x
          return dx, dy
      """),
    E("st7_max_dy_negated", "staged", "max_backward",
      "Where y won, dy is -dout instead of dout (a stray minus sign); dx is right.",
      NEGATED + [r"minus sign"],
      """
      def max_backward(dout, x, y):
          x_wins = x > y
          dx = np.where(x_wins, dout, 0.0)
          dy = np.where(x_wins, 0.0, -dout)
          return dx, dy
      """),
    E("st7_sum_as_product", "staged", "staged_backward",
      "The sum den = sigx + xpysqr is differentiated like a product: dsigx = dden * xpysqr and "
      "dxpysqr = dden * sigx, instead of passing dden to both unchanged.",
      [r"product", r"multipl\w* (by|with) the other (term|summand|input|factor)",
       r"(add|sum|plus)( gate| stage| node)?.{0,60}(like|as if|as) (a )?(multipl|product)",
       r"other (term|summand)", r"(add|sum) (gate|stage|node).{0,40}(pass|unchanged|1\b|one)",
       r"xpysqr.{0,40}sigx|sigx.{0,40}xpysqr", r"(local gradient|derivative) of (a|the) (sum|add)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dsigx = xpysqr * dden
          dxpysqr = sigx * dden
          dxpy = (2.0 * xpy) * dxpysqr
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dsigx
          dx += 1.0 * dnum
          dsigy = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st7_dden_forgets_num", "staged", "staged_backward",
      "The reciprocal's gradient is taken from df instead of from dinvden = num * df, so every "
      "path through the denominator misses the factor num (the numerator).",
      [r"\bnum\b.{0,50}(missing|forgot|left out|dropped|never|not multipl)", r"(missing|forgot\w*|without|lacks?|drops?) (the )?(factor )?(num|numerator)",
       r"factor (of )?(the )?(num|numerator)", r"(1|one) ?/ ?num", r"dinvden", r"(divided|off) by (the )?(num|numerator)",
       r"f\s*\*\s*den|num ?\* ?invden"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * df
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
    E("st7_softplus_g_minus", "staged", "softplus_circuit",
      "The value g subtracts the fraction (soft - frac) instead of adding it; dx and dy are right.",
      [r"subtract", r"minus (the )?(frac|fraction|second term)", r"soft ?- ?frac", r"sign of (the )?(frac|fraction|second term)",
       r"(frac|fraction|second term).{0,40}(opposite|wrong|flipped) sign", r"2 ?\*? ?frac", r"twice the (frac|fraction)",
       r"(differs|off) by (twice|2 ?\*?) ?(the )?(frac|fraction|x ?\* ?tanh)"],
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
          g = soft - frac
          dsoft = dg * 1.0
          dfrac = dg * 1.0
          dnum = dfrac * inv
          dinv = dfrac * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x
          dx = dx + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),
    E("st7_softplus_no_dg", "staged", "softplus_circuit",
      "The softplus branch starts from 1.0 instead of dg (dsoft = 1.0): its share of dx and dy "
      "ignores the upstream gradient; the fraction's share is right.",
      [r"\bdg\b.{0,60}(missing|forgot|ignor|never|not (used|multipl))", r"(ignor\w*|forgot\w*|without|drops?|misses) (the )?(upstream|dg)",
       r"soft(plus)?.{0,60}(dg|upstream).{0,30}(missing|forgot|ignor|not)", r"as if dg ?(=|were|was) ?1",
       r"(upstream|dg).{0,40}only.{0,40}(frac|fraction|quotient)", r"soft(plus)?'?s? (branch|path|term|share).{0,60}(upstream|dg)"],
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
          dsoft = 1.0
          dfrac = dg * 1.0
          dnum = dfrac * inv
          dinv = dfrac * num
          dden = dinv * (-1.0 / den ** 2)
          dx = dden * 2.0 * x
          dx = dx + dnum * t
          dt = dnum * x
          dy = dt * (1.0 - t ** 2)
          de = dsoft / (1.0 + e)
          du = de * e
          dx = dx + du * y
          dy = dy + du * x
          return g, dx, dy
      """),

    # ======================================================================== sigmoid (8)
    E("sg7_local_squared_one_minus", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is written z * (1 - z)**2, an extra factor (1 - z).",
      [r"\(1 ?- ?z\)\s*(\*\*|\^)\s*2", r"extra (factor )?\(?1 ?- ?z", r"(1 ?- ?z).{0,30}(twice|squared|again|too many)",
       r"factor \(?1 ?- ?z\)? too many", r"times \(?1 ?- ?z\)?"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z) ** 2
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg7_dW_only_z", "sigmoid", "sigmoid_layer_backward",
      "dW keeps only the factor z of the local gradient (np.outer(dz * z, x)), forgetting "
      "(1 - z); dx is right.",
      [r"(missing|forgot\w*|without|lacks?|drops?) (the )?(factor )?\(?1 ?- ?z", r"\(?1 ?- ?z\)?.{0,40}(missing|forgot|dropped|left out)",
       r"1 ?/ ?\(1 ?- ?z\)", r"only (the factor )?z\b", r"dz ?\* ?z\b(?! ?\* ?\(1)",
       r"(dW|weights?).{0,60}(incomplete|part of) (the )?local gradient"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(dz * z, x)
          return dx, dW
      """),
    E("sg7_dW_over_D", "sigmoid", "sigmoid_layer_backward",
      "dW is divided by D, the number of inputs (as if averaging over them); dx is right.",
      [r"1 ?/ ?D\b", r"divided by D\b", r"\bD times (too )?small", r"D times (smaller|less)",
       r"(number|count) of inputs", r"(averag|mean).{0,30}(inputs|over D)", r"x\.size|len\(x\)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          D = x.shape[0]
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = np.outer(da, x) / D
          return dx, dW
      """),
    E("sg7_local_at_mean", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is evaluated at the mean output z.mean() (one number for every unit) "
      "instead of at each unit's own z.",
      [r"mean (of )?(the )?(outputs?|z)", r"z\.mean", r"averag\w* (output|z)", r"same (local gradient|slope|factor) (for|in) (every|all|each) units?",
       r"one (local gradient|number|value) for (every|all) units", r"(each|every) unit'?s? own (z|output)",
       r"(not|instead of) (per|elementwise|each unit)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          zbar = z.mean()
          da = dz * zbar * (1.0 - zbar)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg7_dW_negated", "sigmoid", "sigmoid_layer_backward",
      "dW has the opposite sign (the descent direction -dL/dW returned); dx is right.",
      NEGATED + [r"descent direction", r"minus sign"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z)
          dx = W.T @ da
          dW = -np.outer(da, x)
          return dx, dW
      """),
    E("sg7_local_z_one_minus_z2", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is written z * (1 - z**2), mixing the sigmoid's z(1 - z) with the "
      "tanh's 1 - z**2: an extra factor (1 + z).",
      [r"1 ?- ?z ?(\*\*|\^) ?2", r"\(?1 ?\+ ?z\)?", r"tanh", r"z ?\* ?\(1 ?- ?z ?(\*\*|\^) ?2\)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1.0 - z ** 2)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg7_sat_percent", "sigmoid", "saturated_fraction",
      "Returns a percentage (the fraction times 100) instead of a fraction in [0, 1].",
      [r"percent", r"%", r"100 times", r"times 100", r"\* ?100", r"factor (of )?100", r"above 1\b|greater than 1\b|more than 1\b",
       r"not (in|within|between) \[?0"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = Z * (1.0 - Z)
          return float(np.mean(local < tol) * 100)
      """),
    E("sg7_sat_scaled_local", "sigmoid", "saturated_fraction",
      "The local gradient is rescaled to [0, 1] (4 z(1 - z)) before the comparison with tol, so "
      "the threshold is effectively tol / 4 and fewer pairs are counted.",
      [r"4 ?\*? ?z", r"tol ?/ ?4", r"(quarter|1 ?/ ?4|0\.25)", r"(rescal|normali[sz])\w*",
       r"threshold.{0,40}(smaller|lower|too (small|low|strict))", r"factor (of )?(4|four)", r"4 times",
       r"(too )?few(er)? pairs", r"under-?count"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          local = 4.0 * Z * (1.0 - Z)      # scaled to [0, 1]
          return float(np.mean(local < tol))
      """),

    # ======================================================================== relu (8)
    E("re7_mask_same_sign", "relu", "relu_backward",
      "The gradient passes where dout * a > 0 (dout and a of the same sign) instead of where a > 0.",
      [r"dout ?\* ?a", r"same sign", r"sign of (dout|the upstream|the gradient)", r"(depends on|from|uses) (the )?(sign of )?(dout|upstream)",
       r"(mask|gate|indicator).{0,40}(dout|upstream|gradient)", r"a > 0 and dout|dout > 0",
       r"(negative|blocked).{0,60}(dout|upstream) (is )?(negative|<)"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(dout * a > 0, dout, 0.0)
          return da
      """),
    E("re7_mask_truncated_int", "relu", "relu_backward",
      "The mask is built from a.astype(int) > 0, so inputs between 0 and 1 (truncated to 0) block "
      "the gradient.",
      [r"astype\(int\)", r"truncat", r"\bint(eger)?\b", r"0 ?< ?a ?< ?1", r"between 0 and 1", r"(below|less than|under) 1\b",
       r"a ?(>=|≥) ?1", r"threshold (at|of) 1", r"small positive"],
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a.astype(int) > 0, dout, 0.0)
          return da
      """),
    E("re7_abs_dout", "relu", "relu_backward",
      "Where a > 0 it passes |dout| instead of dout, so negative upstream gradients lose their sign.",
      [r"\babs\(", r"\|dout\|", r"absolute value", r"sign (of (dout|the upstream|the gradient) )?(is )?(lost|dropped)",
       r"(lost|drops?|loses) (the|its) sign", r"(negative|<\s*0) (upstream|dout|gradient).{0,40}(positive|flipped|opposite)"]
      + NEGATED,
      """
      def relu_backward(dout, cache):
          a = cache
          da = np.where(a > 0, np.abs(dout), 0.0)
          return da
      """),
    E("re7_dead_majority", "relu", "dead_neuron_fraction",
      "A unit counts as dead when its pre-activation is <= 0 on more than half of the examples, "
      "instead of on every example.",
      [r"half", r"majority", r"most (of the )?examples", r"(not|instead of) (on )?(every|all) examples?", r"np\.all",
       r"too many (units )?(dead|counted)", r"over-?count", r"(some|a few) examples? (positive|active|> ?0)"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = np.mean(pre <= 0, axis=0) > 0.5
          return float(np.mean(dead))
      """),
    E("re7_leaky_one_minus_slope", "relu", "leaky_relu_backward",
      "On the negative side the gradient is (1 - slope) * dout instead of slope * dout.",
      [r"1 ?- ?slope", r"one minus (the )?slope", r"\(1 ?- ?slope\)", r"complement"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, dout, (1.0 - slope) * dout)
          return da
      """),
    E("re7_leaky_threshold_slope", "relu", "leaky_relu_backward",
      "The mask compares a with the slope (a > slope) instead of with 0, so entries with "
      "0 < a <= slope get slope * dout instead of dout.",
      [r"a ?> ?slope", r"compar\w* (a |the input )?(with|to|against) (the )?slope", r"threshold.{0,30}slope",
       r"0 ?< ?a ?(<=|≤|<) ?slope", r"between 0 and (the )?slope", r"small positive (inputs|a|entries|values)",
       r"(threshold|cut|boundary) (is )?(not (at )?0|at the slope|moved|shifted)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > slope, dout, slope * dout)
          return da
      """),
    E("re7_prelu_threshold_alpha", "relu", "prelu_backward",
      "The negative side is chosen with a <= alpha (the unit's slope) instead of a <= 0, in both "
      "da and dalpha.",
      [r"a ?<=? ?alpha", r"compar\w* (a |the input )?(with|to|against) (the )?(slope|alpha)", r"threshold.{0,30}(alpha|slope)",
       r"0 ?< ?a ?(<=|≤|<) ?alpha", r"between 0 and (the )?(alpha|slope)", r"small positive (inputs|a|entries|values)",
       r"(threshold|cut|boundary) (is )?(not (at )?0|at (the )?(alpha|slope)|moved|shifted)"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= alpha
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("re7_prelu_dalpha_plus_alpha", "relu", "prelu_backward",
      "dalpha adds alpha itself (a weight-decay habit) to the right sum: dalpha is the right one "
      "plus alpha; da is right.",
      [r"plus (the )?alpha", r"\+ ?alpha", r"alpha (added|too much|extra)", r"add\w* (the )?alpha", r"weight[- ]decay",
       r"regulari[sz]", r"off by (the )?alpha", r"(exceeds|differs).{0,30}by (exactly )?alpha"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          negative = a <= 0
          da = np.where(negative, alpha * dout, dout)
          dalpha = np.sum(np.where(negative, a * dout, 0.0), axis=0) + alpha
          return da, dalpha
      """),

    # ======================================================================== rnn (8)
    E("rn7_relu_rnn_h0_zero", "rnn", "relu_rnn_backward",
      "Step 0's previous state is taken as zeros instead of h0, so step 0's term outer(delta, h0) "
      "is missing from dWhh; dh0 is right.",
      [r"\bh0\b.{0,60}(missing|forgot|ignor|zero|never|left out|not used)", r"(zeros?|0) (instead of|for|in place of) (the )?h0",
       r"(first|initial) (time )?step'?s? (term|contribution).{0,40}(missing|left out|dropped|absent)",
       r"(missing|without|lacks?) (the )?(first|step 0|initial).{0,30}(term|contribution|step)",
       r"step 0", r"outer\(delta.{0,10}h0\)"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else np.zeros(H)
              dWhh += np.outer(delta, h_prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rn7_relu_rnn_dWhh_over_T", "rnn", "relu_rnn_backward",
      "dWhh is divided by T at the end (an average over the steps instead of their sum); dh0 is right.",
      [r"1 ?/ ?T\b", r"divided by T\b", r"\bT times (too )?small", r"T times (smaller|less)", r"averag", r"mean over (the )?(time )?steps",
       r"instead of (summ|the sum)"],
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
          return dWhh / T, carry
      """),
    E("rn7_step_dprev_no_transpose", "rnn", "rnn_step_backward",
      "dprev_h is sent back through Wh instead of Wh's transpose (da @ Wh); the other outputs are right.",
      [r"transpos", r"Wh\.T", r"Wh instead", r"\bWh\b(?!\.T).{0,30}(instead|where|in place)",
       r"(rows|columns) and (columns|rows)", r"(mixed|swapped) (rows|indices)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rn7_bptt_upstream_shifted", "rnn", "rnn_backward",
      "Step t is given dh[:, t - 1] (an index typo) instead of dh[:, t]: every step gets the "
      "previous step's upstream gradient, and step 0 gets the last one's.",
      SHIFT + [r"dh\[:, ?t ?- ?1", r"t ?- ?1", r"(previous|earlier) (time )?step'?s? (dh|upstream)",
               r"upstream.{0,40}(wrong|another|other|neighbou?ring) (time )?step"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t - 1, :] + dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn7_bptt_carry_subtracted", "rnn", "rnn_backward",
      "The carried gradient is subtracted from dh[:, t] instead of added (dh[:, t] - dprev), so "
      "every step but the last gets a wrong upstream gradient.",
      NEGATED + [r"subtract", r"dh\[:, ?t.{0,5}\] ?- ?dprev", r"carr\w*.{0,60}(sign|negat|subtract)"]
      + LAST_STEP_ONLY,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] - dprev, cache[t])
              dx[:, t, :] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rn7_spectral_diag", "rnn", "spectral_radius",
      "Returns the largest absolute diagonal entry of W (eigenvalues only of a triangular matrix) "
      "instead of the largest absolute eigenvalue.",
      [r"diag", r"triangular", r"(not|instead of) (the )?eigenvalues", r"eigenvalues? (are|were) (not|never) (computed|used)"],
      """
      def spectral_radius(W):
          return float(np.max(np.abs(np.diag(W))))
      """),
    E("rn7_clip_norm_square_of_sum", "rnn", "clip_grad_norm",
      "The global norm squares each array's sum (np.sum(g) ** 2) instead of summing the squares of "
      "its entries, so total_norm and the scale are wrong.",
      [r"square of (the|each|its) sum", r"sum (is )?squared", r"np\.sum\(g\) ?\*\* ?2", r"(sum|summ)\w* (before|then) squar",
       r"instead of (the )?sum of (the )?squares", r"precedence", r"signs? cancel"],
      """
      def clip_grad_norm(grads, max_norm):
          total_norm = float(np.sqrt(sum(np.sum(g) ** 2 for g in grads.values())))
          scale = max_norm / total_norm if total_norm > max_norm else 1.0
          clipped = {name: g * scale for name, g in grads.items()}
          return clipped, total_norm
      """),
    E("rn7_clip_value_normalised", "rnn", "clip_grad_value",
      "Clips g / clip_value to [-1, 1] and forgets to multiply back by clip_value: every entry is "
      "1/clip_value times the right one.",
      [r"1 ?/ ?clip_?value", r"divided by (the )?clip_?value", r"clip_?value times (too )?small", r"(multiply|scale) back",
       r"normali[sz]", r"\[-1, ?1\]", r"(forgot|missing|without) (the )?(factor )?clip_?value"],
      """
      def clip_grad_value(grads, clip_value):
          return {name: np.clip(g / clip_value, -1.0, 1.0) for name, g in grads.items()}
      """),

    # ======================================================================== softmax (17)
    E("sm7_lse_unshifted", "softmax", "softmax_cross_entropy_backward",
      "dlabels recomputes log p as logits - row max - log(sum(exp(logits))), the log-sum-exp of "
      "the unshifted logits with the shift subtracted too: each row of dlabels is off by a "
      "constant (max / N); dlogits is right.",
      [r"(each|every|per) row.{0,40}(constant|same amount|offset|shift)", r"constant (per|in each|for each) row",
       r"\bshift", r"row max", r"max.{0,40}(twice|again|subtracted)", r"log[- ]?sum[- ]?exp", r"offset",
       r"(unshifted|shifted) logits", r"(missing|extra) (term|max)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          m = logits.max(axis=1, keepdims=True)
          log_probs = logits - m - np.log(np.exp(logits).sum(axis=1, keepdims=True))
          dlabels = -dloss * log_probs / N
          return dlogits, dlabels
      """),
    E("sm7_labels_times_probs", "softmax", "softmax_cross_entropy_backward",
      "The labels' term of dlogits is multiplied by the probabilities (probs * row_sums - labels * "
      "probs) instead of being labels alone; dlabels is right.",
      [r"labels ?\* ?probs", r"probs ?\* ?labels", r"label'?s? term.{0,60}(multipl|times|factor|scaled).{0,30}(prob|p\b)",
       r"(extra|spurious) factor (of )?(the )?(prob|p\b)", r"times (the )?probabilit",
       r"p ?\* ?y|y ?\* ?p"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels * probs) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm7_log_floor", "softmax", "softmax_cross_entropy_backward",
      "dlabels guards the log with a large floor, log(max(p, 0.05)), so every entry with p < 0.05 "
      "is wrong; dlogits is right.",
      [r"floor", r"clip", r"0\.05", r"small (probabilit|p\b)", r"(p|probabilit\w*) (below|under|less than|<) ",
       r"(largest|biggest|capped|bounded|limited) (value|magnitude)", r"cap(ped)?\b", r"lower bound", r"never (exceeds|above|larger)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(np.maximum(probs, 0.05)) / N
          return dlogits, dlabels
      """),
    E("sm7_loop_classes_short", "softmax", "softmax_cross_entropy_backward",
      "dlogits is filled by a loop over the classes range(C - 1), so its last column stays zero.",
      [r"last (column|class)", r"range\(C ?- ?1\)", r"C ?- ?1", r"(loop|bound).{0,40}(short|one too few|stops)",
       r"off[- ]by[- ]one", r"(every|all) (column|class)(es)? (but|except) the last"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N, C = logits.shape
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = np.zeros((N, C))
          for c in range(C - 1):
              dlogits[:, c] = dloss * (probs[:, c] * row_sums[:, 0] - labels[:, c]) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm7_log_out_probs", "softmax", "softmax_cross_entropy_backward",
      "np.log(probs, out=probs) overwrites the cached probabilities, and dlogits, computed "
      "afterwards, uses log p where p belongs; dlabels is right.",
      MUTATE + [r"log ?p\b.{0,40}(instead|where|in place)", r"log(arithm)? of (the )?probabilit\w*.{0,40}(instead|where)",
                r"log\(probs\).{0,40}(instead|where|in place)", r"probs (was|is|were|are|has been) (changed|replaced|logged)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlabels = -dloss * np.log(probs, out=probs) / N
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          return dlogits, dlabels
      """),
    E("sm7_dloss_squared", "softmax", "softmax_cross_entropy_backward",
      "dlabels multiplies by dloss twice (dloss ** 2); dlogits is right.",
      TWICE + [r"dloss ?(\*\*|\^) ?2", r"square of dloss", r"dloss squared", r"dloss times (too )?(large|big|many)",
               r"extra (factor )?(of )?dloss", r"(a )?factor (of )?dloss too many", r"times dloss"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) / N
          dlabels = -dloss * np.log(probs) * dloss / N
          return dlogits, dlabels
      """),
    E("sm7_floor_division", "softmax", "softmax_cross_entropy_backward",
      "dlogits is divided by N with floor division (// N), which rounds every value down to a "
      "whole number; dlabels is right.",
      [r"//", r"floor", r"rounded (down|to)", r"whole numbers?", r"integers?", r"truncat"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - labels) // N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm7_rowsum_for_labels", "softmax", "softmax_cross_entropy_backward",
      "Copy slip: the labels' term of dlogits is the row sum (probs * row_sums - row_sums) instead "
      "of the labels themselves; dlabels is right.",
      [r"row[_ ]?sums? ?(instead|where|in place)", r"probs ?\* ?row_?sums? ?- ?row_?sums?", r"row_?sums? ?\* ?\(probs ?- ?1\)",
       r"\(p ?- ?1\)", r"label'?s? term.{0,60}(row sum|sum of the labels|total)", r"(each|every) class.{0,40}(the )?(whole|row'?s?|total) (label|sum|mass)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row_sums = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * row_sums - row_sums) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sm7_aff_db_loop_short", "softmax", "affine_backward",
      "db is filled by a loop over the outputs range(M - 1), so its last entry stays zero; dx and "
      "dW are right.",
      [r"last (entry|column|output|bias)", r"range\(M ?- ?1\)", r"M ?- ?1", r"(loop|bound).{0,40}(short|one too few|stops)",
       r"off[- ]by[- ]one", r"(every|all) (entr|output|column)\w* (but|except) the last"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          M = W.shape[1]
          dx = dout @ W.T
          dW = x.T @ dout
          db = np.zeros(M)
          for j in range(M - 1):
              db[j] = dout[:, j].sum()
          return dx, dW, db
      """),
    E("sm7_aff_centered_x", "softmax", "affine_backward",
      "dW uses the inputs centred by their batch mean (x - x.mean(axis=0)) instead of x itself; dx "
      "and db are right.",
      [r"(cent(er|re)d?|mean[- ]?subtracted|mean removed)", r"x ?- ?x\.mean", r"subtract\w* (the )?(batch |column )?mean",
       r"mean of (the )?(inputs|x)", r"outer\(.{0,20}mean.{0,20}db", r"(x|inputs?).{0,30}(mean|average).{0,30}(removed|subtracted)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          xc = x - x.mean(axis=0)
          dx = dout @ W.T
          dW = xc.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm7_aff_dW_max", "softmax", "affine_backward",
      "dW takes the largest of the examples' outer products (max over the batch) instead of their sum.",
      [r"\bmax(imum)? (over|of) (the )?(batch|examples|rows)", r"largest (example|term|outer product|single)", r"(instead of|not) (the )?sum", r"(one|a single) example", r"(sum|summ)\w* over (the )?(batch|examples|rows).{0,30}(missing|forgot|not)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = (x[:, :, None] * dout[:, None, :]).max(axis=0)
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm7_aff_dx_reshape", "softmax", "affine_backward",
      "dx is computed as W @ dout.T (shape (D, N)) and reshaped to (N, D) instead of transposed, "
      "so its entries are scrambled; dW and db are right.",
      RESHAPE + [r"transpos", r"\(D, ?N\)", r"rows and columns", r"layout"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N, D = x.shape
          dx = (W @ dout.T).reshape(N, D)
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm7_aff_dx_plus_x", "softmax", "affine_backward",
      "dx adds the input x to dout @ W.T (a residual-connection habit): dx is the right one plus x.",
      [r"plus (the )?(input )?x\b", r"\+ ?x\b", r"(add\w*|extra) (the )?(input )?x\b", r"residual", r"skip connection",
       r"(differs|off|exceeds).{0,30}by (exactly )?(the )?(input )?x\b", r"x (added|too much)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T + x
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("sm7_mlp_first_layer_over_N", "softmax", "mlp_backward",
      "The hidden gradient is divided by N again before the first layer (dlogits already holds the "
      "1/N): dX, dW1 and db1 are 1/N of the right ones; W2 and b2 are right.",
      [r"1 ?/ ?N\b", r"divided by N\b", r"\bN times (too )?small", r"N times (smaller|less)", r"(mean|average|1/N|division).{0,40}(twice|again|second)"]
      + TWICE,
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          N = relu_cache.shape[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0) / N
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm7_mlp_adds_dlabels", "softmax", "mlp_backward",
      "The labels' gradient dlabels is added into dlogits (dlogits + dlabels) before the second "
      "layer, as if the labels were another path to the logits.",
      [r"dlabels", r"label'?s? gradient", r"gradient (on|with respect to|of) the labels", r"-\s*log ?p",
       r"log(arithm)? of (the )?probabilit", r"(extra|spurious) (term|path)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, dlabels = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits + dlabels, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm7_mlp_dW1_doubled", "softmax", "mlp_backward",
      "A duplicated line adds the first layer's weight gradient twice (dW1 = dW1 + X.T @ da): dW1 "
      "is 2 times the right one; the other outputs are right.",
      DOUBLE + TWICE,
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X = aff1_cache[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          dW1 = dW1 + X.T @ da
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("sm7_mlp_clip_hidden", "softmax", "mlp_backward",
      "The hidden gradient is clipped to [-0.01, 0.01] before the ReLU (a clipping habit from the "
      "RNN notebook), so every large entry of dX, dW1 and db1 is wrong; W2 and b2 are right.",
      [r"clip", r"capped|\bcap\b", r"0\.01", r"(bounded|limited) to", r"(large|big) (entries|values) .{0,30}(cut|limited|too small)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dh = np.clip(dh, -0.01, 0.01)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (17)
    E("ls7_do_extra_o", "lstm", "lstm_step_backward",
      "The output gate's gradient carries an extra factor o (do = dnext_h * o * tanh(next_c)), "
      "so the output gate's block of da (and its columns of dWx, dWh, db) is o times the right one.",
      [r"extra (factor )?(of )?o\b", r"factor o\b", r"(times|multiplied by) (the )?(output gate|o)\b", r"o\b (twice|again|too many)",
       r"(output|o) gate'?s? (block|columns?|part|gradient).{0,80}(wrong|differ|off|o times)", r"o ?\* ?o\b|o ?\*\* ?2|o squared"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * o * tanh_c
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
    E("ls7_i_o_local_swapped", "lstm", "lstm_step_backward",
      "The input and output gates' local gradients are exchanged: di is multiplied by o(1 - o) and "
      "do by i(1 - i).",
      [r"(input|\bi\b).{0,30}(output|\bo\b).{0,40}(swap|exchang|mixed|each other)", r"(output|\bo\b).{0,30}(input|\bi\b).{0,40}(swap|exchang|mixed|each other)",
       r"o ?\* ?\(1 ?- ?o\).{0,40}(input|di\b)", r"i ?\* ?\(1 ?- ?i\).{0,40}(output|do\b)",
       r"(another|other|wrong) gate'?s? (local )?(derivative|gradient)",
       r"(input|output) gate'?s? (block|columns?).{0,80}(input|output) gate'?s? (block|columns?)"],
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
          da = np.concatenate([di * o * (1.0 - o), df * f * (1.0 - f),
                               do * i * (1.0 - i), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls7_g_local_from_tanh_c", "lstm", "lstm_step_backward",
      "The candidate's local gradient uses the cell's tanh, 1 - tanh(next_c)**2, instead of 1 - g**2.",
      [r"tanh\(next_c\)|tanh_c", r"(cell'?s?|next_c'?s?) tanh", r"1 ?- ?g ?(\*\*|\^) ?2", r"(instead of|not) (at|from|with) g\b",
       r"(candidate|\bg\b)( gate)?'?s? (local )?(derivative|gradient).{0,60}(cell|next_c|wrong tanh)",
       r"(candidate|\bg\b)( gate)?'?s? (block|columns?|part).{0,60}(wrong|differ|off)"],
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
                               do * o * (1.0 - o), dg * (1.0 - tanh_c ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls7_gates_without_dnext_c", "lstm", "lstm_step_backward",
      "The gates use only the path from next_h into the cell state (dnext_c left out of their dc); "
      "dprev_c is right.",
      [r"dnext_c.{0,60}(missing|forgot|left out|dropped|ignor|not (added|included|used))", r"(missing|forgot\w*|without|ignor\w*|drops?) (the )?dnext_c",
       r"(gradient|path) (arriving |coming )?along the cell state.{0,40}(missing|forgot|dropped|ignor)",
       r"(missing|forgot\w*|without|ignor\w*|drops?) (the )?(gradient|path) (arriving |coming )?along the cell",
       r"(missing|extra) term.{0,40}dnext_c", r"dnext_c ?(\*|times) ?(prev_c|g\b|i\b)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc_h = dnext_h * o * (1.0 - tanh_c ** 2)
          dprev_c = (dnext_c + dc_h) * f
          df = dc_h * prev_c
          di = dc_h * g
          dg = dc_h * i
          da = np.concatenate([di * i * (1.0 - i), df * f * (1.0 - f),
                               do * o * (1.0 - o), dg * (1.0 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls7_dc_product", "lstm", "lstm_step_backward",
      "A typo of * for +: dc = dnext_c * dnext_h * o * (1 - tanh(next_c)**2), the two paths into "
      "the cell state multiplied instead of added.",
      [r"multipl\w* instead of add", r"product (of|instead)", r"\* (for|instead of) \+", r"instead of (adding|summing|the sum)",
       r"(two|both) (paths|terms|contributions).{0,40}(multipl|product)", r"dnext_c ?\* ?dnext_h"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c * dnext_h * o * (1.0 - tanh_c ** 2)
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
    E("ls7_do_plus_dnext_c", "lstm", "lstm_step_backward",
      "The output gate's gradient also receives dnext_c (do = dnext_h * tanh(next_c) + dnext_c), as "
      "if the output gate fed the cell state.",
      [r"dnext_c.{0,60}(output gate|\bdo\b|o gate)", r"(output gate|\bdo\b).{0,60}dnext_c",
       r"(output|o) gate'?s? (block|columns?|part|gradient).{0,80}(extra|plus|added|wrong)",
       r"(extra|spurious|additional) (term|path).{0,40}(output|\bo\b)", r"plus dnext_c", r"\+ ?dnext_c"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c + dnext_c
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
    E("ls7_dWh_next_h", "lstm", "lstm_step_backward",
      "dWh is built from the step's output next_h = o * tanh(next_c) instead of its input prev_h; "
      "the other outputs are right.",
      [r"next_h", r"(step'?s? )?output.{0,30}(instead|where|in place)", r"(instead of|not) (the )?(its )?(input|prev_h|previous hidden)",
       r"o ?\* ?tanh", r"(current|this|new) (hidden )?state", r"(wrong|other) hidden state"] + SHIFT,
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
          next_h = o * tanh_c
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = next_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls7_dprev_c_forget_local", "lstm", "lstm_step_backward",
      "dprev_c is multiplied by the forget gate's local gradient f(1 - f) instead of by f itself; "
      "the other outputs are right.",
      [r"f ?\* ?\(1 ?- ?f\)", r"\(1 ?- ?f\)", r"(forget gate'?s?|sigmoid'?s?) (local )?(derivative|gradient|slope).{0,40}(instead|where|in place)",
       r"(instead of|not) (by )?(the forget gate|f\b)( itself)?", r"extra factor.{0,20}\(?1 ?- ?f", r"derivative of the (forget )?gate"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          df = dc * prev_c
          dprev_c = dc * f * (1.0 - f)
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
    E("ls7_carry_h_as_c", "lstm", "lstm_backward",
      "Each step is given the hidden-state carry dprev_h as its dnext_c (a copy slip) instead of "
      "the cell-state carry dprev_c.",
      [r"dprev_h.{0,40}(as|for|instead of|in place of|where).{0,20}(dnext_c|dprev_c|cell)", r"(hidden|h)[- ]state (gradient|carry).{0,60}cell",
       r"cell[- ]state (gradient|carry).{0,60}(hidden|never|missing|dropped|lost)", r"(carr\w*|pass\w*) (the )?wrong (gradient|carry)",
       r"dnext_c.{0,40}(wrong|dprev_h)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_h, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls7_skip_step0_weights", "lstm", "lstm_backward",
      "The weight gradients are accumulated under `if t > 0:` (a guard meant for h0), so step 0's "
      "terms are missing from dWx, dWh and db; dx and dh0 are right.",
      [r"(step 0|first (time )?step|t ?= ?0).{0,60}(missing|left out|dropped|not (added|included|counted)|never)",
       r"(missing|without|lacks?|except|but) (the )?(step 0|first (time )?step|t ?= ?0)",
       r"(every|all) (time )?steps? (but|except) the first", r"if t ?> ?0", r"loop bound|off[- ]by[- ]one"],
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
              if t > 0:
                  dWx += dWx_t
                  dWh += dWh_t
                  db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls7_T_from_batch", "lstm", "lstm_backward",
      "T is read as len(dh), which is the batch size N (dh is (N, T, H)), so with N < T only the "
      "first N steps are backpropagated (the later steps' dx stay zero and their terms are missing).",
      [r"shape\[0\]", r"len\(dh\)", r"batch size.{0,40}(instead|as|for|in place of).{0,20}(T|time|steps)", r"\bN\b.{0,20}(instead of|for|as) (the )?T\b",
       r"(later|last) (time )?steps.{0,40}(zero|missing|never|not)", r"only (the )?first \w+ (time )?steps",
       r"loop bound", r"(steps|time steps) (are )?(skipped|never backprop)"],
      """
      def lstm_backward(dh, cache):
          N, H = dh.shape[0], dh.shape[2]
          T = len(dh)
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros(dh.shape[:2] + (x0.shape[1],))
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
    E("ls7_dh_times_carry", "lstm", "lstm_backward",
      "A typo of * for +: each step is given dh[:, t] * dprev_h instead of dh[:, t] + dprev_h, so "
      "the last step (carry zero) gets no hidden gradient at all.",
      [r"multipl\w* instead of add", r"product (of|instead)", r"\* (for|instead of) \+", r"instead of (adding|summing|the sum)",
       r"dh\[:, ?t\] ?\* ?dprev_h"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] * dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls7_dx_running_sum", "lstm", "lstm_backward",
      "dx is stored through a running accumulator (like the weights): dx[:, t] holds the sum of the "
      "step gradients of t and every later step instead of step t's alone.",
      [r"(running|cumulative|accumulat)\w*", r"cumsum", r"(sum|total) (of|over) (steps? )?t (and|to|through)",
       r"(later|following|subsequent) steps?'? (dx|gradients?|contributions?).{0,30}(added|included|summed)",
       r"only the last (time )?step( of dx)? is right"] + LAST_STEP_ONLY,
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dx_acc = np.zeros((N, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dx_acc += dx_t
              dx[:, t] = dx_acc
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls7_weights_init_last_step", "lstm", "lstm_backward",
      "dWx, dWh and db start from the last step's values (computed once before the loop) and the loop "
      "adds every step again: the last step's terms are counted twice.",
      TWICE + [r"last (time )?step.{0,60}(twice|again|extra|double)", r"(extra|additional) (copy of the )?last (time )?step",
               r"plus (the )?last (time )?step", r"(start|init)\w* (from|with) (the )?last"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          _, _, _, dWx, dWh, db = lstm_step_backward(dh[:, T - 1], np.zeros((N, H)), cache[T - 1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("ls7_huber_bessel", "lstm", "huber_backward",
      "Divides by r.size - 1 (a sample-variance habit) instead of r.size: every value is "
      "N/(N - 1) times the right one.",
      [r"size ?- ?1", r"N ?- ?1", r"n ?- ?1", r"bessel", r"N ?/ ?\(N ?- ?1\)", r"one (entry )?(too )?few", r"off[- ]by[- ]one",
       r"(divid|denominator).{0,40}(one less|minus one)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -delta, delta) / (r.size - 1)
      """),
    E("ls7_huber_times_two", "lstm", "huber_backward",
      "Multiplies by 2 (the derivative of a square kept from the squared error): every value is "
      "2 times the right one.",
      DOUBLE,
      """
      def huber_backward(dloss, r, delta=1.0):
          return 2.0 * dloss * np.clip(r, -delta, delta) / r.size
      """),
    E("ls7_huber_adds_dloss", "lstm", "huber_backward",
      "dloss is added to the gradient instead of multiplying it (np.clip(r) / r.size + dloss).",
      [r"add\w* (dloss|the upstream)", r"(dloss|upstream).{0,30}(added|plus|instead of multipl)", r"\+ ?dloss", r"plus dloss",
       r"instead of multipl", r"(shifted|offset) by (dloss|the upstream|a constant)", r"constant (offset|shift)"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return np.clip(r, -delta, delta) / r.size + dloss
      """),
]
