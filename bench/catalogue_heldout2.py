"""A second held-out catalogue of wrong implementations (issue #27), written blind.

Written without reading the checks, the explainer, the detectors or the earlier catalogues,
and committed before any entry was run through the grader: it measures how often the
feedback names a mistake nobody wrote a detector or a relation for.

    python bench/feedback_catalogue.py bench/catalogue_heldout2.py

Each entry is a whole wrong solution cell, written the way a student slips (a loop in the
wrong direction, a term forgotten, the wrong axis, a transpose too many or too few, the
output used for the input, an in-place update, outputs in the wrong order, ...). `accept`
holds case-insensitive regular expressions; any one found in a failing message's text about
the answer counts as naming the mistake. They accept a correct description in other words,
never only a location.
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "mistake": mistake, "accept": list(accept),
            "source": dedent(source).strip() + "\n"}


# Shared wordings of a few mistake classes (a message may say them in any of these ways).
SCALE_N = [r"1\s*/\s*N\b", r"\bN times", r"factor", r"\bmean\b", r"averag", r"divid",
           r"too (small|large) by", r"times (smaller|larger|too)"]
SCALE_T = [r"1\s*/\s*T\b", r"\bT times", r"factor", r"\bmean\b", r"averag", r"divid",
           r"too (small|large) by", r"times (smaller|larger|too)"]
SIGN = [r"\bsign", r"negat", r"(?<![\d.])[-−]1(?![\d.])", r"minus", r"opposite", r"flipped"]
MUTATE = [r"modif", r"in[- ]place", r"mutat", r"chang(ed|es) (your|its|the)? ?input",
          r"overwr", r"unchanged", r"new array", r"original values?"]
ORDER = [r"\border\b", r"swap", r"exchang", r"other output", r"returned .{0,30}(in|as) ",
         r"position", r"switched"]
TRANSPOSE = [r"transpos", r"\.T\b", r"swapped (axes|dimensions)"]
CARRY = [r"carry", r"later steps?", r"from (the )?(next|later|following) step", r"through time",
         r"flows? (back )?(between|through|from)", r"recurren", r"future", r"what .{0,30}sends back",
         r"only the (direct|local)", r"path (back )?through (time|the (later|next) steps?|the recurren)"]
SUM_STEPS = [r"(sum|summed|add|accumulat)\w* over (all |the |every )?(time )?steps",
             r"only (the )?(first|one|last|single) (time )?step", r"accumulat", r"overwr",
             r"\+=", r"only (at )?step 0", r"step 0 only", r"last assignment"]


CATALOGUE = [
    # ======================================================================== staged (10)
    E("st_fork_overwrite", "staged", "staged_backward",
      "x is used three times but the stage for sigmoid(x) assigns dx instead of adding, "
      "dropping the contribution through x + y.",
      [r"fork", r"accumul", r"overwr", r"\+=", r"add(ed|s)? up", r"sum of (both|all|the) (paths|contributions|uses)",
       r"(missing|forgot|dropped|lacks|without|lost).{0,60}(contribution|x ?\+ ?y|path|use|term)",
       r"(contribution|path|term).{0,40}(missing|dropped|lost|forgotten)",
       r"used (twice|three times|more than once)", r"every use"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = -dinvden / den ** 2
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = dxpy
          dy = dxpy
          dx = sigx * (1.0 - sigx) * dsigx
          dx = dx + dnum
          dsigy = dnum
          dy = dy + sigy * (1.0 - sigy) * dsigy
          return dx, dy
      """),
    E("st_reciprocal_sign", "staged", "staged_backward",
      "The derivative of 1/den is taken as +1/den**2, losing its minus sign.",
      SIGN + [r"derivative of 1\s*/\s*den"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = df * invden
          dinvden = df * num
          dden = dinvden / (den * den)
          dx = dden * sigx * (1 - sigx)
          dxpy = dden * 2 * xpy
          dx = dx + dxpy
          dy = dxpy
          dx = dx + dnum
          dy = dy + dnum * sigy * (1 - sigy)
          return dx, dy
      """),
    E("st_sigx_no_upstream", "staged", "staged_backward",
      "The local gradient of sigmoid(x) is added to dx without multiplying by the gradient "
      "arriving at sigx (the chain rule's upstream factor is dropped).",
      [r"upstream", r"chain", r"not multiplied", r"multipl\w* by (the )?(gradient|dden|incoming)",
       r"incoming", r"local gradient (alone|only)"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = df * invden
          dinvden = df * num
          dden = -dinvden * invden ** 2
          dxpy = 2 * xpy * dden
          dx = dxpy + sigx * (1 - sigx)          # local gradient of sigmoid(x)
          dy = dxpy
          dx = dx + dnum
          dy = dy + sigy * (1 - sigy) * dnum
          return dx, dy
      """),
    E("st_square_factor", "staged", "staged_backward",
      "The square's derivative is taken as 2 instead of 2 * (x + y).",
      [r"square'?s? derivative", r"derivative of (the )?square", r"(missing|without|forgot|lacks).{0,40}(x ?\+ ?y|xpy)",
       r"2\s*\*?\s*\(?x ?\+ ?y", r"times \(?x ?\+ ?y"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = df * invden
          dinvden = df * num
          dden = -1.0 / den ** 2 * dinvden
          dxpy = 2.0 * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("st_df_ignored", "staged", "staged_backward",
      "The upstream gradient df is never used: the result is df/dx for df = 1 whatever df is.",
      [r"upstream", r"\bdf\b.{0,40}(ignor|not used|never|missing|dropped)", r"ignor", r"not multiplied",
       r"as if .{0,20}(df|upstream).{0,10}(were|was|is) 1", r"times the upstream"],
      """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden
          dinvden = num
          dden = -dinvden / den ** 2
          dx = dden * (sigx * (1 - sigx) + 2 * xpy) + dnum
          dy = dden * 2 * xpy + dnum * sigy * (1 - sigy)
          return dx, dy
      """),
    E("ng_one_sided", "staged", "numerical_gradient",
      "Uses the one-sided difference (f(x+h) - f(x)) / h instead of the centered one.",
      [r"one[- ]sided", r"forward difference", r"centered", r"central", r"symmetric", r"O\(h\)",
       r"both sides", r"x ?- ?h", r"f\(x ?- ?h\)"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros_like(x, dtype=np.float64)
          fx = f(x)
          for i in np.ndindex(x.shape):
              old = x[i]
              x[i] = old + h
              grad[i] = (f(x) - fx) / h
              x[i] = old
          return grad
      """),
    E("ng_no_restore", "staged", "numerical_gradient",
      "Never puts x[i] back after the minus step, so later entries are taken at a shifted "
      "point and x is changed on return.",
      [r"restor", r"original", r"put (it|x\[i\]|the value) back", r"shift", r"modif", r"mutat",
       r"chang(ed|es)? .{0,20}x", r"in[- ]place", r"unchanged"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape)
          for idx in np.ndindex(*x.shape):
              orig = x[idx]
              x[idx] = orig + h
              fp = f(x)
              x[idx] = orig - h
              fm = f(x)
              grad[idx] = (fp - fm) / (2 * h)
          return grad
      """),
    E("ng_divide_h", "staged", "numerical_gradient",
      "Divides the centered difference by h instead of 2h: every value is twice too large.",
      [r"\b2\s*h\b", r"twice", r"factor (of )?2", r"doubl", r"\b2 ?x\b", r"×\s*2", r"2 times",
       r"\bc = 2\b", r"times 2"],
      """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros(x.shape, dtype=np.float64)
          it = np.nditer(x, flags=["multi_index"])
          while not it.finished:
              i = it.multi_index
              v = x[i]
              x[i] = v + h
              up = f(x)
              x[i] = v - h
              down = f(x)
              x[i] = v
              grad[i] = (up - down) / h
              it.iternext()
          return grad
      """),
    E("max_loser", "staged", "max_backward",
      "Routes the gradient to the input that lost (the comparison is reversed).",
      [r"los(er|t|ing)", r"smaller", r"revers", r"swap", r"wrong input", r"other input", r"exchang",
       r"inverted", r"opposite"],
      """
      def max_backward(dout, x, y):
          dx = np.where(x < y, dout, 0.0)
          dy = np.where(y < x, dout, 0.0)
          return dx, dy
      """),
    E("mul_own_input", "staged", "mul_backward",
      "Each input's gradient is multiplied by that input itself instead of by the other input.",
      [r"other input", r"own input", r"itself", r"swap", r"switch", r"x instead of y", r"y instead of x",
       r"exchang"],
      """
      def mul_backward(dout, x, y):
          dx = x * dout
          dy = y * dout
          return dx, dy
      """),
    E("add_alias", "staged", "add_backward",
      "Returns the upstream array itself as both gradients (no copy): dx and dy are the same "
      "array as dout.",
      [r"same (array|object)", r"alias", r"copy", r"share", r"distinct", r"two names", r"new array",
       r"dout itself", r"is dout", r"not a new"],
      """
      def add_backward(dout, x, y):
          dx = dout
          dy = dout
          return dx, dy
      """),

    # ======================================================================== sigmoid (7)
    E("sg_sigmoid_twice", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is computed as sigmoid(z) * (1 - sigmoid(z)), applying the sigmoid "
      "to the output a second time.",
      [r"sigmoid.{0,40}(twice|again|of (the )?(output|z))", r"wrong point", r"output instead",
       r"z\s*\(\s*1\s*-\s*z\s*\)", r"at z\b"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          s = sigmoid(z)
          da = dz * s * (1 - s)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sg_dx_wrong_axis", "sigmoid", "sigmoid_layer_backward",
      "dx sums the weighted gradients over the inputs axis instead of over the units.",
      [r"axis", r"sum(med)? over (the )?(wrong|units|inputs|rows|columns)", r"shape", r"\(H,\)",
       r"transpos"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1 - z)
          dx = np.sum(W * da[:, None], axis=1)
          dW = da[:, None] * x[None, :]
          return dx, dW
      """),
    E("sg_no_local", "sigmoid", "sigmoid_layer_backward",
      "Forgets the sigmoid's local gradient z(1 - z): the upstream gradient goes straight to W and x.",
      [r"sigmoid'?s? (local )?(gradient|derivative)", r"z\s*\(\s*1\s*-\s*z\s*\)", r"through the sigmoid",
       r"local gradient", r"nonlinearit", r"activation'?s? (derivative|gradient)"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          dx = W.T @ dz
          dW = np.outer(dz, x)
          return dx, dW
      """),
    E("sg_half_derivative", "sigmoid", "sigmoid_layer_backward",
      "Uses (1 - z) as the sigmoid's derivative, dropping the factor z.",
      [r"z\s*\(\s*1\s*-\s*z\s*\)", r"local gradient", r"factor z", r"missing.{0,20}\bz\b",
       r"sigmoid'?s? derivative", r"1\s*-\s*z"],
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          local = 1.0 - z
          da = local * dz
          dW = np.outer(da, x)
          dx = da @ W
          return dx, dW
      """),
    E("sg_inplace_dz", "sigmoid", "sigmoid_layer_backward",
      "Multiplies dz in place by the local gradient, changing the caller's upstream gradient.",
      MUTATE,
      """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          dz *= z * (1 - z)
          dx = W.T @ dz
          dW = np.outer(dz, x)
          return dx, dW
      """),
    E("sf_divide_by_N", "sigmoid", "saturated_fraction",
      "Divides the count of saturated pairs by N (examples) instead of N * H (pairs).",
      [r"N\s*\*\s*H", r"divid", r"denominator", r"\bH times", r"number of (pairs|units)", r"factor",
       r"instead of N\s*\*\s*H"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          N = X.shape[0]
          count = 0
          for n in range(N):
              z = sigmoid(W @ X[n])
              count += np.sum(z * (1 - z) < tol)
          return float(count / N)
      """),
    E("sf_no_sigmoid", "sigmoid", "saturated_fraction",
      "Tests a(1 - a) on the pre-activations, forgetting to apply the sigmoid first.",
      [r"sigmoid", r"pre-?activation", r"before (the|applying)", r"not squashed", r"\bW ?@ ?x\b",
       r"raw"],
      """
      def saturated_fraction(W, X, tol=1e-3):
          A = X @ W.T
          return float(np.mean(A * (1 - A) < tol))
      """),

    # ======================================================================== relu (12)
    E("rl_ge_zero", "relu", "relu_backward",
      "Passes the gradient where a >= 0, so entries with a exactly 0 get dout instead of 0.",
      [r"a\s*==\s*0", r"exactly (0|zero)", r">=\s*0", r"at (0|zero)", r"(is|are|equal(s)?) (to )?zero",
       r"boundary", r"kink", r"\bzeros? (input|entr)"],
      """
      def relu_backward(dout, cache):
          a = cache
          mask = (a >= 0).astype(dout.dtype)
          return dout * mask
      """),
    E("rl_mask_from_dout", "relu", "relu_backward",
      "The mask is taken from the sign of dout instead of from the input a.",
      [r"mask.{0,40}(dout|upstream|gradient|wrong)", r"\bdout\b.{0,40}(sign|positive|> ?0)", r"sign of (the )?(upstream|gradient|dout)",
       r"wrong array", r"instead of (the )?input", r"upstream gradient.{0,20}(positive|sign)",
       r"where the input"],
      """
      def relu_backward(dout, cache):
          a = cache
          return np.where(dout > 0, dout, 0.0)
      """),
    E("rl_inplace", "relu", "relu_backward",
      "Zeroes the blocked entries of dout in place and returns dout itself.",
      MUTATE + [r"same array", r"dout itself"],
      """
      def relu_backward(dout, cache):
          a = cache
          dout[a <= 0] = 0
          return dout
      """),
    E("lk_regions_swapped", "relu", "leaky_relu_backward",
      "Applies the slope on the positive side and passes dout unchanged on the negative side.",
      [r"swap", r"revers", r"positive.{0,60}slope", r"slope.{0,60}positive", r"wrong (side|region)",
       r"inverted", r"opposite", r"exchang"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, slope * dout, dout)
          return da
      """),
    E("lk_slope_times_a", "relu", "leaky_relu_backward",
      "On the negative side returns slope * a (the forward value) instead of slope * dout.",
      [r"(uses?|used|multipl\w*) .{0,20}(the )?input", r"a instead", r"times a\b", r"instead of (the )?(upstream|dout)",
       r"forward (value|output)", r"output instead", r"slope \* a", r"not (multiplied by|scaled by) (the )?(upstream|dout)"],
      """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = dout.copy()
          neg = a <= 0
          da[neg] = slope * a[neg]
          return da
      """),
    E("lk_fixed_slope", "relu", "leaky_relu_backward",
      "Ignores the slope in the cache and always uses 0.01.",
      [r"slope.{0,40}(ignor|not used|fixed|hard|0\.01|instead|given|cache|always)", r"0\.01", r"hard-?cod",
       r"(ignor|regardless|whatever).{0,30}slope"],
      """
      def leaky_relu_backward(dout, cache):
          a = cache[0]
          da = np.where(a > 0, 1.0, 0.01) * dout
          return da
      """),
    E("pr_dalpha_mean", "relu", "prelu_backward",
      "dalpha averages over the batch instead of summing.",
      SCALE_N + [r"sum(med)? over the batch"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          neg = a <= 0
          da = np.where(neg, alpha * dout, dout)
          dalpha = np.mean(np.where(neg, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("pr_dalpha_axis", "relu", "prelu_backward",
      "dalpha sums over the units (axis 1) instead of over the batch.",
      [r"axis", r"shape", r"over (the )?(units|batch|examples|rows)", r"\(N,\)", r"per unit"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          da = dout * np.where(a > 0, 1.0, alpha)
          dalpha = (dout * a * (a <= 0)).sum(axis=1)
          return da, dalpha
      """),
    E("pr_dalpha_unmasked", "relu", "prelu_backward",
      "dalpha sums dout * a over every entry instead of only where a <= 0.",
      [r"a\s*<=?\s*0", r"negative", r"non-?positive", r"unmasked", r"without (the )?mask", r"where a",
       r"positive (entries|part|side|inputs)", r"only where", r"every entry"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          da = np.where(a > 0, dout, alpha * dout)
          dalpha = np.sum(a * dout, axis=0)
          return da, dalpha
      """),
    E("pr_da_as_relu", "relu", "prelu_backward",
      "da is computed as a plain ReLU's (zero on the negative side), ignoring alpha.",
      [r"alpha", r"slope", r"zero (on|where|for) (the )?(a|input|negative)", r"blocked", r"(plain|ordinary|a) relu"],
      """
      def prelu_backward(dout, cache):
          a, alpha = cache
          pos = a > 0
          da = dout * pos
          dalpha = np.sum(dout * a * ~pos, axis=0)
          return da, dalpha
      """),
    E("dn_any", "relu", "dead_neuron_fraction",
      "Counts a unit dead when its pre-activation is <= 0 for ANY example instead of for all.",
      [r"\bany\b", r"every example", r"all (the )?(examples|rows)", r"at least one", r"some example",
       r"for every", r"(a|one) single example"],
      """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T + b
          dead = (pre <= 0).any(axis=0)
          return float(dead.sum() / W.shape[0])
      """),
    E("dn_no_bias", "relu", "dead_neuron_fraction",
      "Forgets the bias in the pre-activation.",
      [r"bias", r"\bb\b", r"\+ ?b\b"],
      """
      def dead_neuron_fraction(W, b, X):
          H = W.shape[0]
          dead = 0
          for j in range(H):
              if np.all(X @ W[j] <= 0):
                  dead += 1
          return dead / H
      """),

    # ======================================================================== rnn (15)
    E("rr_no_carry", "rnn", "relu_rnn_backward",
      "Each step uses only its own dhs[t]; the gradient flowing back from later steps is dropped.",
      CARRY,
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros((H, H))
          for t in range(T - 1, -1, -1):
              delta = dhs[t] * (hs[t] > 0)
              prev = h0 if t == 0 else hs[t - 1]
              dWhh += np.outer(delta, prev)
          dh0 = Whh.T @ (dhs[0] * (hs[0] > 0))
          return dWhh, dh0
      """),
    E("rr_mask_prev", "rnn", "relu_rnn_backward",
      "The ReLU mask at step t is taken from the previous state hs[t-1] instead of hs[t].",
      [r"mask.{0,40}(previous|wrong|hs\[t ?- ?1\]|earlier|shift)", r"previous state", r"hs\[t ?- ?1\]",
       r"wrong (state|step)", r"shift", r"one step (early|late|off|earlier|later)", r"neighbo", r"off by one"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          dh = np.zeros(H)
          for t in reversed(range(T)):
              h_prev = h0 if t == 0 else hs[t - 1]
              delta = (dhs[t] + dh) * (h_prev > 0)
              dWhh += np.outer(delta, h_prev)
              dh = Whh.T @ delta
          return dWhh, dh
      """),
    E("rr_outer_transposed", "rnn", "relu_rnn_backward",
      "dWhh accumulates outer(h_prev, delta), the transpose of the right gradient.",
      TRANSPOSE + [r"outer", r"swap"],
      """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in reversed(range(T)):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              h_prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(h_prev, delta)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rr_no_transpose", "rnn", "relu_rnn_backward",
      "The gradient is sent back through Whh instead of Whh's transpose.",
      TRANSPOSE + [r"Whh ?@", r"not transposed"],
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
              carry = Whh @ delta
          return dWhh, carry
      """),
    E("rs_tanh_again", "rnn", "rnn_step_backward",
      "The tanh derivative is computed as 1 - tanh(next_h)**2, applying tanh to the output again.",
      [r"tanh.{0,40}(twice|again|of (the )?(output|next_h))", r"wrong point", r"output instead",
       r"1\s*-\s*(next_)?h"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1 - np.tanh(next_h) ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = np.sum(da, axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_db_mean", "rnn", "rnn_step_backward",
      "db averages over the batch instead of summing.",
      SCALE_N + [r"sum(med)? over the batch"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          dtanh = (1 - next_h * next_h) * dnext_h
          dx = dtanh @ Wx.T
          dprev_h = dtanh @ Wh.T
          dWx = x.T @ dtanh
          dWh = prev_h.T @ dtanh
          db = dtanh.mean(axis=0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_db_no_tanh", "rnn", "rnn_step_backward",
      "db sums the upstream gradient dnext_h, skipping the tanh's local gradient (the other "
      "outputs are right).",
      [r"tanh", r"local (gradient|derivative)", r"before the nonlinearit", r"nonlinearit",
       r"upstream (gradient )?(unchanged|directly|passed|itself)"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          db = dnext_h.sum(axis=0)
          da = dnext_h * (1.0 - next_h ** 2)
          dWx = x.T @ da
          dWh = prev_h.T @ da
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rs_order", "rnn", "rnn_step_backward",
      "Returns dWh and dWx in each other's place.",
      ORDER + [r"dWh.{0,60}dWx", r"dWx.{0,60}dWh"],
      """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1.0 - next_h ** 2)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWh = prev_h.T @ da
          dWx = x.T @ da
          db = da.sum(0)
          return dx, dprev_h, dWh, dWx, db
      """),
    E("rb_forward_loop", "rnn", "rnn_backward",
      "Walks the steps forwards in time (t = 0 .. T-1) instead of backwards.",
      [r"revers", r"\border\b", r"backward in time", r"forwards? (in time|order)", r"direction",
       r"from the last", r"first step", r"wrong way"],
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx = np.zeros((D, H))
          dWh = np.zeros((H, H))
          db = np.zeros(H)
          dprev = np.zeros((N, H))
          for t in range(T):
              dx[:, t, :], dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rb_no_carry", "rnn", "rnn_backward",
      "Each step receives only dh[:, t]: what flows back from the later steps is computed but "
      "never added in.",
      CARRY,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
          dh0 = None
          for t in reversed(range(T)):
              dxt, dh0, a, c, e = rnn_step_backward(dh[:, t, :], cache[t])
              dx[:, t, :] = dxt
              dWx += a
              dWh += c
              db += e
          return dx, dh0, dWx, dWh, db
      """),
    E("rb_weights_overwritten", "rnn", "rnn_backward",
      "The weight gradients are assigned at each step instead of summed, so only step 0's remain.",
      SUM_STEPS,
      """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dnext = np.zeros((N, H))
          for t in range(T - 1, -1, -1):
              dx_t, dnext, dWx, dWh, db = rnn_step_backward(dh[:, t, :] + dnext, cache[t])
              dx[:, t, :] = dx_t
          return dx, dnext, dWx, dWh, db
      """),
    E("cn_per_array", "rnn", "clip_grad_norm",
      "Clips each array by its own norm instead of by the global norm of all arrays.",
      [r"global", r"each array", r"per[- ]array", r"separately", r"individual", r"own norm",
       r"all (the )?arrays together"],
      """
      def clip_grad_norm(grads, max_norm):
          clipped = {}
          sq = 0.0
          for k, g in grads.items():
              n = np.linalg.norm(g)
              sq += n ** 2
              clipped[k] = g * (max_norm / n) if n > max_norm else g.copy()
          return clipped, float(np.sqrt(sq))
      """),
    E("cn_always_scale", "rnn", "clip_grad_norm",
      "Rescales to max_norm even when the norm is already below it (small gradients are blown up).",
      [r"below (the )?(max_norm|threshold|limit|maximum)", r"(not|only) (be )?(clipped|scaled|changed) when",
       r"(only|not) when", r"unchanged", r"scaled up", r"enlarg", r"even when", r"threshold"],
      """
      def clip_grad_norm(grads, max_norm):
          total = np.sqrt(sum(float((g ** 2).sum()) for g in grads.values()))
          return {k: g * (max_norm / total) for k, g in grads.items()}, float(total)
      """),
    E("cv_inplace", "rnn", "clip_grad_value",
      "Clips the caller's arrays in place (np.clip with out=g) and returns them.",
      MUTATE + [r"same array", r"new (dict|array)"],
      """
      def clip_grad_value(grads, clip_value):
          out = {}
          for name, g in grads.items():
              np.clip(g, -clip_value, clip_value, out=g)
              out[name] = g
          return out
      """),
    E("sr_real_part", "rnn", "spectral_radius",
      "Takes the largest real part of the eigenvalues instead of the largest absolute value.",
      [r"absolute", r"magnitude", r"modulus", r"complex", r"real part", r"negative eigen", r"\babs\b", r"\|lambda\|"],
      """
      def spectral_radius(W):
          eig = np.linalg.eigvals(W)
          return float(np.max(eig.real))
      """),

    # ======================================================================== softmax (21)
    E("af_db_mean", "softmax", "affine_backward",
      "db averages dout over the batch instead of summing it.",
      SCALE_N + [r"sum(med)? over the batch"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout.dot(W.T)
          dW = x.T.dot(dout)
          db = np.mean(dout, axis=0)
          return dx, dW, db
      """),
    E("af_db_axis1", "softmax", "affine_backward",
      "db sums dout over the columns (axis 1) instead of over the batch.",
      [r"axis", r"shape", r"over the batch", r"(sum|summed).{0,20}(rows|batch|columns)", r"over (the )?(rows|columns|examples)",
       r"\(N,\)", r"per (example|row)"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = dout.sum(axis=1)
          return dx, dW, db
      """),
    E("af_dW_transposed", "softmax", "affine_backward",
      "dW is computed as dout.T @ x, the transpose of the right gradient.",
      TRANSPOSE + [r"\(M, ?D\)", r"shape"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = dout.T @ x
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("af_db_first_row", "softmax", "affine_backward",
      "db takes the first row of dout only, forgetting that the bias is added to every row.",
      [r"sum", r"first (row|example)", r"only (one|the first) (row|example)", r"every (row|example)",
       r"all (the )?(rows|examples)", r"broadcast", r"fork"],
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = np.dot(dout, W.T)
          dW = np.dot(x.T, dout)
          db = dout[0].copy()
          return dx, dW, db
      """),
    E("af_dW_averaged", "softmax", "affine_backward",
      "dW is divided by the batch size N.",
      SCALE_N,
      """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dx = dout @ W.T
          dW = (x.T @ dout) / N
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("ce_no_N", "softmax", "softmax_cross_entropy_backward",
      "dlogits is not divided by N (the loss is a mean over rows).",
      SCALE_N,
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          s = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * s - labels)
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_onehot_assumed", "softmax", "softmax_cross_entropy_backward",
      "dlogits uses probs - labels, which assumes every row of labels sums to 1.",
      [r"row sums?", r"sum of (the |each )?(row of )?labels", r"soft", r"normali[sz]",
       r"sum to (1|one)", r"Σ ?labels", r"labels'? (row )?sums?", r"one-hot", r"do not sum"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = labels.shape[0]
          dlogits = (probs - labels) * (dloss / N)
          dlabels = -np.log(probs) * (dloss / N)
          return dlogits, dlabels
      """),
    E("ce_dlabels_sign", "softmax", "softmax_cross_entropy_backward",
      "dlabels has the wrong sign (log p / N instead of -log p / N).",
      SIGN,
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          logp = np.log(probs)
          dlabels = dloss * logp / N
          return dlogits, dlabels
      """),
    E("ce_dlabels_zero", "softmax", "softmax_cross_entropy_backward",
      "Returns zeros for dlabels, treating the labels as constants.",
      [r"\bzeros?\b", r"labels'? (term|gradient).{0,30}(missing|zero|dropped)", r"no gradient",
       r"labels (get|receive|do)", r"nothing", r"all 0"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss / N * (probs * labels.sum(axis=1)[:, None] - labels)
          dlabels = np.zeros_like(labels)
          return dlogits, dlabels
      """),
    E("ce_dloss_ignored", "softmax", "softmax_cross_entropy_backward",
      "Neither gradient is multiplied by the upstream dloss.",
      [r"\bdloss\b", r"upstream", r"factor", r"not multiplied", r"ignor", r"scal(ed|e) by", r"1\s*/\s*dloss"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          rs = np.sum(labels, axis=1, keepdims=True)
          dlogits = (probs * rs - labels) / N
          dlabels = -np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_dlabels_logits", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses the logits as if they were log-probabilities (the log-sum-exp term is missing).",
      [r"log ?(softmax|p\b|prob)", r"logits instead", r"normali[sz]", r"log-?sum-?exp", r"logsumexp",
       r"constant (per|in each|on every) row", r"shift(ed)? (per|by a|in each)"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss * (probs * labels.sum(1, keepdims=True) - labels) / N
          dlabels = -dloss * logits / N
          return dlogits, dlabels
      """),
    E("ce_N_twice", "softmax", "softmax_cross_entropy_backward",
      "dlogits is divided by N twice.",
      SCALE_N + [r"twice", r"N\s*\*\*\s*2", r"N\^?2", r"N squared"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          grad = (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dlogits = dloss * grad / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_rowsum_axis", "softmax", "softmax_cross_entropy_backward",
      "The labels are summed over axis 0 (per class) instead of per row, and broadcast across the row.",
      [r"axis", r"row sums?", r"column", r"per (class|row)", r"sum of (each|the) row", r"labels'? (row )?sums?",
       r"broadcast"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          total = labels.sum(axis=0)
          dlogits = dloss * (probs * total - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("ce_outputs_swapped", "softmax", "softmax_cross_entropy_backward",
      "Returns (dlabels, dlogits) instead of (dlogits, dlabels).",
      ORDER + [r"dlabels.{0,60}dlogits", r"dlogits.{0,60}dlabels"],
      """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlabels = -dloss * np.log(probs) / N
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          return dlabels, dlogits
      """),
    E("mb_mask_from_dh", "softmax", "mlp_backward",
      "The ReLU mask is taken from the sign of the gradient dh instead of from the ReLU's input.",
      [r"mask.{0,40}(dh|upstream|gradient|wrong)", r"relu'?s? input", r"pre-?activation", r"wrong array",
       r"sign of (the )?(gradient|upstream)", r"upstream gradient.{0,20}(positive|sign)"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = np.where(dh > 0, dh, 0.0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_no_relu", "softmax", "mlp_backward",
      "Skips the ReLU in the backward pass: the hidden gradient goes to the first layer unmasked.",
      [r"relu.{0,40}(missing|skipped|not applied|ignored|forgot|left out)", r"(missing|skipped|forgot|without).{0,30}(relu|mask)",
       r"unmasked", r"mask", r"dead|inactive|off units|negative pre"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dhidden, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dX, dW1, db1 = affine_backward(dhidden, aff1_cache)
          grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
          return dX, grads
      """),
    E("mb_biases_swapped", "softmax", "mlp_backward",
      "Stores the second layer's bias gradient under b1 and the first's under b2.",
      ORDER + [r"b1.{0,60}b2", r"b2.{0,60}b1", r"other (layer|parameter|key)", r"belongs to"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          grads = {}
          grads["W1"] = dW1
          grads["W2"] = dW2
          grads["b1"] = db2
          grads["b2"] = db1
          return dX, grads
      """),
    E("mb_dloss_dropped", "softmax", "mlp_backward",
      "Calls the loss's backward with 1.0 instead of dloss, so every gradient ignores dloss.",
      [r"\bdloss\b", r"upstream", r"factor", r"not multiplied", r"ignor", r"scal(ed|e) by", r"as if .{0,20}1",
       r"1\s*/\s*dloss"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dscores, _ = softmax_cross_entropy_backward(1.0, loss_cache)
          dh, dW2, db2 = affine_backward(dscores, aff2_cache)
          dh[relu_cache <= 0] = 0.0
          dX, dW1, db1 = affine_backward(dh, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_W2_prerelu", "softmax", "mlp_backward",
      "Written out by hand, dW2 uses the ReLU's input (pre-activation) instead of its output.",
      [r"pre-?activation", r"before the relu", r"relu'?s? (input|output)", r"hidden (output|activation)",
       r"instead of (the )?(relu|hidden|output|activation)", r"not (passed|put) through"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          hidden, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          N = X.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dW2 = relu_cache.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dhid = dlogits @ W2.T
          dpre = dhid * (relu_cache > 0)
          dW1 = X.T @ dpre
          db1 = dpre.sum(axis=0)
          dX = dpre @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_manual_noN", "softmax", "mlp_backward",
      "Written out by hand, the gradient on the logits is probs - labels, not divided by N.",
      SCALE_N,
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          hidden, W2, b2 = aff2_cache
          logits, labels, probs = loss_cache
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels)
          dW2 = hidden.T @ dlogits
          db2 = dlogits.sum(axis=0)
          dpre = (dlogits @ W2.T) * (relu_cache > 0)
          dW1 = X.T @ dpre
          db1 = dpre.sum(axis=0)
          dX = dpre @ W1.T
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mb_takes_dlabels", "softmax", "mlp_backward",
      "Unpacks the loss's backward the wrong way round and backpropagates dlabels instead of dlogits.",
      [r"dlabels", r"labels'? gradient", r"gradient (on|of|with respect to) the labels",
       r"wrong (element|output)", r"\border\b", r"second (output|element)", r"other output", r"swap"],
      """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlabels, dlogits = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),

    # ======================================================================== lstm (22)
    E("ls_no_dnext_c", "lstm", "lstm_step_backward",
      "The cell-state gradient dc forgets dnext_c, the gradient arriving along the cell state.",
      [r"dnext_c", r"cell[- ]state (gradient|path)", r"carry", r"(along|through) the cell",
       r"upstream .{0,20}cell", r"next_c'?s? gradient", r"gradient on next_c"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tc = np.tanh(next_c)
          do = dnext_h * tc
          dc = dnext_h * o * (1 - tc ** 2)
          di, df, dg = dc * g, dc * prev_c, dc * i
          dprev_c = dc * f
          da = np.hstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g * g)])
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(0)
      """),
    E("ls_no_tanh_c", "lstm", "lstm_step_backward",
      "The path from next_h to next_c uses 1 - next_c**2 instead of 1 - tanh(next_c)**2.",
      [r"tanh", r"wrong point", r"local (gradient|derivative)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          do = dnext_h * np.tanh(next_c)
          dc = dnext_c + dnext_h * o * (1 - next_c ** 2)
          di = dc * g
          df = dc * prev_c
          dg = dc * i
          dprev_c = f * dc
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o),
                               dg * (1 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_gate_order", "lstm", "lstm_step_backward",
      "Concatenates the gate gradients in the order i, f, g, o, so the o and g blocks are swapped.",
      [r"gate order", r"\border\b", r"swap", r"exchang", r"each other'?s? place", r"(o|g) block.{0,40}(holds|is) .{0,20}(g|o)"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          da_i = dc * g * i * (1 - i)
          da_f = dc * prev_c * f * (1 - f)
          da_o = dnext_h * tanh_c * o * (1 - o)
          da_g = dc * i * (1 - g ** 2)
          da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dprev_c = dc * f
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.sum(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_g_as_sigmoid", "lstm", "lstm_step_backward",
      "The candidate g is differentiated as a sigmoid, g(1 - g), instead of as a tanh.",
      [r"tanh", r"as (a|if it were a) sigmoid", r"sigmoid'?s? derivative", r"g\s*\(\s*1\s*-\s*g", r"1\s*-\s*g"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tc = np.tanh(next_c)
          dc = dnext_c + dnext_h * o * (1 - tc ** 2)
          gates = [(dc * g, i), (dc * prev_c, f), (dnext_h * tc, o), (dc * i, g)]
          da = np.concatenate([d * s * (1 - s) for d, s in gates], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dprev_c = dc * f
          return dx, dprev_h, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("ls_dprev_c_no_f", "lstm", "lstm_step_backward",
      "dprev_c is returned as dc itself, forgetting the forget gate's factor f.",
      [r"forget gate'?s? (factor|value)", r"times f\b", r"(missing|without|forgot|lacks).{0,30}(\bf\b|forget)",
       r"dc itself", r"unchanged", r"passed (straight|through)", r"factor f\b"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          dprev_c = dc.copy()
          di = dc * g
          df = dc * prev_c
          dg = dc * i
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o),
                               dg * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("ls_df_next_c", "lstm", "lstm_step_backward",
      "The forget gate's gradient uses next_c (the step's output) instead of prev_c (its input).",
      [r"next_c.{0,30}instead", r"instead of .{0,20}\bprev_c\b", r"previous cell", r"output instead",
       r"instead of the input", r"wrong (cell|state)", r"new cell state"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          df = dc * next_c
          di = dc * g
          dg = dc * i
          dprev_c = dc * f
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o),
                               dg * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, np.sum(da, axis=0)
      """),
    E("ls_do_no_tanh", "lstm", "lstm_step_backward",
      "The output gate's gradient uses next_c instead of tanh(next_c).",
      [r"tanh", r"next_c instead", r"without (the )?tanh"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          do = dnext_h * next_c
          dc = dnext_c + dnext_h * o * (1 - np.tanh(next_c) ** 2)
          di = dc * g
          df = dc * prev_c
          dg = dc * i
          dprev_c = dc * f
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o),
                               dg * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("ls_db_mean", "lstm", "lstm_step_backward",
      "db averages over the batch instead of summing.",
      SCALE_N + [r"sum(med)? over the batch"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                               dnext_h * tanh_c * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dprev_c = dc * f
          dWx = x.T @ da
          dWh = prev_h.T @ da
          db = da.mean(axis=0)
          return dx, dprev_h, dprev_c, dWx, dWh, db
      """),
    E("ls_inplace_dnext_c", "lstm", "lstm_step_backward",
      "Accumulates into dnext_c in place (dnext_c += ...), changing the caller's array.",
      MUTATE,
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          dnext_c += dnext_h * o * (1 - tanh_c ** 2)
          dc = dnext_c
          do = dnext_h * tanh_c
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                               do * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("ls_di_dg_own_factor", "lstm", "lstm_step_backward",
      "In next_c = f*prev_c + i*g, di and dg are multiplied by their own gate (i and g) instead "
      "of by the other factor.",
      [r"swap", r"other factor", r"own (gate|factor|value)", r"exchang", r"switch"],
      """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          di = dc * i
          dg = dc * g
          df = dc * prev_c
          dprev_c = dc * f
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o),
                               dg * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lb_no_c_carry", "lstm", "lstm_backward",
      "Each step is given zeros as dnext_c: the gradient along the cell state is dropped between steps.",
      [r"(cell[- ]state|dprev_c|dnext_c).{0,60}(dropped|missing|zero|not passed|not carried|lost|ignored)",
       r"carry", r"(along|through) the cell", r"later steps?", r"through time"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx = np.zeros((D, 4 * H))
          dWh = np.zeros((H, 4 * H))
          db = np.zeros(4 * H)
          dnext_h = np.zeros((N, H))
          for t in reversed(range(T)):
              dx_t, dnext_h, _, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dnext_h, np.zeros((N, H)), cache[t])
              dx[:, t] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dnext_h, dWx, dWh, db
      """),
    E("lb_no_h_carry", "lstm", "lstm_backward",
      "Each step is given only dh[:, t]: the hidden-state gradient from the later steps is dropped.",
      CARRY + [r"(dprev_h|dnext_h|hidden[- ]state).{0,60}(dropped|missing|zero|not passed|not carried|lost|ignored)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          Wx, Wh = cache[0][3], cache[0][4]
          dx = np.zeros((N, T, Wx.shape[0]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
          dc = np.zeros((N, H))
          for t in range(T - 1, -1, -1):
              dx[:, t], dh0, dc, a, b_, c = lstm_step_backward(dh[:, t], dc, cache[t])
              dWx += a
              dWh += b_
              db += c
          return dx, dh0, dWx, dWh, db
      """),
    E("lb_forward_loop", "lstm", "lstm_backward",
      "Walks the steps forwards in time instead of backwards.",
      [r"revers", r"\border\b", r"backward in time", r"forwards? (in time|order)", r"direction",
       r"from the last", r"wrong way"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_weights_mean_T", "lstm", "lstm_backward",
      "Divides the weight gradients by T at the end (averaging over time instead of summing).",
      SCALE_T + [r"sum(med)? over (the )?(time )?steps"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(4 * H)
          dph, dpc = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dph, dpc, gWx, gWh, gb = lstm_step_backward(dh[:, t] + dph, dpc, cache[t])
              dWx += gWx
              dWh += gWh
              db += gb
          return dx, dph, dWx / T, dWh / T, db / T
      """),
    E("lb_dh0_zero", "lstm", "lstm_backward",
      "Returns zeros for dh0 (the initial state is taken as a constant).",
      [r"\bzeros?\b", r"all 0", r"nothing", r"no gradient"],
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
          dh0 = np.zeros((N, H))
          return dx, dh0, dWx, dWh, db
      """),
    E("lb_dx_after_loop", "lstm", "lstm_backward",
      "dx[:, t] is stored after the loop (an indentation slip), so only time step 0 is filled.",
      [r"only (the )?(first|one|single|step 0|time step 0)", r"other (time )?steps", r"\bzeros? (at|for|in|elsewhere)",
       r"step 0 (only|alone)", r"only (at )?(time )?step 0"],
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
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          dx[:, t] = dx_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lb_dh_twice", "lstm", "lstm_backward",
      "Adds dh[:, t] into the running hidden gradient and then again in the call, counting it twice.",
      [r"twice", r"doubl", r"counted", r"\b2 ?x\b", r"extra", r"two times", r"added (again|more than once)"],
      """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dnext_h, dnext_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dnext_h = dnext_h + dh[:, t]
              dx[:, t], dnext_h, dnext_c, gx, gh, gb = lstm_step_backward(
                  dh[:, t] + dnext_h, dnext_c, cache[t])
              dWx += gx
              dWh += gh
              db += gb
          return dx, dnext_h, dWx, dWh, db
      """),
    E("hb_regions_swapped", "lstm", "huber_backward",
      "Uses the linear region's gradient inside |r| <= delta and the quadratic one outside.",
      [r"swap", r"inside.{0,80}outside", r"outside.{0,80}inside", r"regions? (are )?(swapped|exchanged|reversed)", r"revers",
       r"quadratic.{0,60}linear", r"linear.{0,60}quadratic", r"exchang"],
      """
      def huber_backward(dloss, r, delta=1.0):
          small = np.abs(r) <= delta
          grad = np.where(small, delta * np.sign(r), r)
          return dloss * grad / r.size
      """),
    E("hb_clip_error", "lstm", "huber_backward",
      "Clips the error instead of its gradient: the gradient is zero wherever |r| > delta.",
      [r"zero (outside|where|beyond|for large)", r"outside.{0,60}(zero|\b0\b)", r"clip(ping|s|ped)? the (error|r\b)",
       r"large errors", r"beyond delta", r"\|r\|\s*>\s*delta"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = r.copy()
          dr[np.abs(r) > delta] = 0.0
          return dloss * dr / r.size
      """),
    E("hb_no_mean", "lstm", "huber_backward",
      "Forgets the mean: the gradient is not divided by the number of entries r.size.",
      [r"1\s*/\s*(N|n|r\.size|size)", r"\bmean\b", r"averag", r"factor", r"r\.size", r"number of entries",
       r"N times", r"divid", r"size of r"],
      """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -delta, delta)
      """),
    E("hb_delta_hardcoded", "lstm", "huber_backward",
      "Clips to [-1, 1] whatever delta is.",
      [r"(delta|δ).{0,40}(ignor|not used|hard|fixed|as 1|instead)", r"(ignor|regardless|whatever).{0,30}(delta|δ)",
       r"hard-?cod", r"\[-1, ?1\]", r"clip(ped|s)? (at|to) ±?1\b"],
      """
      def huber_backward(dloss, r, delta=1.0):
          n = r.size
          g = np.minimum(np.maximum(r, -1.0), 1.0)
          return g * dloss / n
      """),
    E("hb_no_sign_outside", "lstm", "huber_backward",
      "Outside the quadratic region the gradient is +delta for negative errors too (the sign is lost).",
      SIGN + [r"-delta", r"−δ", r"r\s*<\s*-"],
      """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.where(np.abs(r) <= delta, r, delta)
          return dloss * dr / r.size
      """),
]
