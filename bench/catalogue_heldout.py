"""HELD-OUT catalogue of wrong implementations (issue #27). Never read by detector authors.

Each entry: id, assignment, function, source (a student's wrong solution cell), mistake
(what is wrong, one sentence) and accept (regular expressions, case-insensitive, any one of
which in a failing message shows that the message names the mistake).
"""
from textwrap import dedent


def E(id, assignment, function, mistake, accept, source):
    return {"id": id, "assignment": assignment, "function": function,
            "source": dedent(source).strip() + "\n", "mistake": mistake, "accept": accept}


SCALE_N = r"1/N|divided by N|N times|factor of|scale|\bmean\b|averag"
SCALE_T = r"1/T|divided by T|T times|factor of|scale|\bmean\b|averag"

CATALOGUE = [
    # ------------------------------------------------------------------ staged (8)
    E("staged_sigx_for_sigy", "staged", "staged_backward",
      "The derivative of stage 1 (sigmoid of y) uses sigx, the sigmoid of x, instead of sigy.",
      [r"sigy|sigmoid\(y\)|sigmoid of y|stage 1\b", r"sigx.*instead|instead of sigy"], """
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
          dx += sigx * (1.0 - sigx) * dsigx
          dx += dnum
          dsigy = dnum
          dy += sigx * (1.0 - sigx) * dsigy
          return dx, dy
      """),
    E("staged_inv_no_square", "staged", "staged_backward",
      "The derivative of invden = 1/den is taken as -1/den instead of -1/den**2.",
      [r"stage 7|1/den|den\s*\*\*\s*2|square|invden"], """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den) * dinvden
          dsigx = dden
          dxpysqr = dden
          dxpy = 2.0 * xpy * dxpysqr
          dx = dxpy * 1.0
          dy = dxpy * 1.0
          dx += sigx * (1.0 - sigx) * dsigx
          dx += dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("staged_dinvden_no_df", "staged", "staged_backward",
      "The upstream gradient df is left out of dinvden (dinvden = num), so the denominator path ignores df.",
      ["(without|missing|ignor\\w*|forgot\\w*|not multiplied by|left out) (the )?(upstream gradient )?`?df\\b|\\bdf\\b (is )?(missing|ignored|left out|forgotten)|denominator('s)? path|stage 8"], """
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
    E("staged_dx_overwritten", "staged", "staged_backward",
      "The numerator's contribution to dx overwrites dx (dx = dnum) instead of being added, so x's other two paths are lost.",
      [r"overwr|replac|\+=|accumulat|instead of add|not added|only one (use|path)|other (uses|paths)|stage 2"], """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dinvden = num * df
          dden = (-1.0 / den ** 2) * dinvden
          dxpy = 2.0 * xpy * dden
          dx = 1.0 * dxpy
          dy = 1.0 * dxpy
          dx += sigx * (1.0 - sigx) * dden
          dx = 1.0 * dnum
          dy += sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("staged_inv_sign", "staged", "staged_backward",
      "The derivative of 1/den has the wrong sign (+1/den**2).",
      [r"sign|\bminus\b|negat|opposite|stage 7"], """
      def staged_backward(df, cache):
          x, y, sigy, num, sigx, xpy, xpysqr, den, invden = cache
          dnum = invden * df
          dden = num * df / den ** 2
          dxpy = 2.0 * xpy * dden
          dx = dxpy + sigx * (1.0 - sigx) * dden + dnum
          dy = dxpy + sigy * (1.0 - sigy) * dnum
          return dx, dy
      """),
    E("add_same_array", "staged", "add_backward",
      "dx and dy are the very same array (dout itself), not new separate arrays.",
      [r"same array|alias|\bcopy\b|new array|shares? memory|dout itself"], """
      def add_backward(dout, x, y):
          dx = dout
          dy = dx
          return dx, dy
      """),
    E("max_input_not_dout", "staged", "max_backward",
      "The winner receives its input value instead of the upstream gradient dout.",
      ["instead of (the upstream gradient|dout)|not dout|(x|y|input|its) itself|value of (x|y|the input)|(winner's|input's|its) value"], """
      def max_backward(dout, x, y):
          dx = np.where(x > y, x, 0.0)
          dy = np.where(y > x, y, 0.0)
          return dx, dy
      """),
    E("numgrad_over_h", "staged", "numerical_gradient",
      "The centered difference is divided by h instead of 2h, so every entry is twice too large.",
      [r"2h|2 \* h|factor of 2|twice|double|2 times|scale"], """
      def numerical_gradient(f, x, h=1e-5):
          grad = np.zeros_like(x, dtype=np.float64)
          it = np.nditer(x, flags=["multi_index"])
          for _ in it:
              i = it.multi_index
              old = x[i]
              x[i] = old + h
              fp = f(x)
              x[i] = old - h
              fm = f(x)
              x[i] = old
              grad[i] = (fp - fm) / h
          return grad
      """),
    # ------------------------------------------------------------------ sigmoid (6)
    E("sig_dx_wrong_axis", "sigmoid", "sigmoid_layer_backward",
      "dx sums W * da over the wrong axis (over inputs instead of over units).",
      [r"axis|sum(med)? over|rows|columns|shape"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1 - z)
          dx = (W * da[:, None]).sum(axis=1)
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sig_sigmoid_of_cached", "sigmoid", "sigmoid_layer_backward",
      "The local gradient is computed as sigmoid(z)(1 - sigmoid(z)), applying the sigmoid again to the cached output z.",
      [r"sigmoid (of|to) (the )?(z|output|cached)|sigmoid\(z\)|twice|again|already (a|the) sigmoid|already applied"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          s = sigmoid(z)
          da = dz * s * (1 - s)
          dx = W.T @ da
          dW = np.outer(da, x)
          return dx, dW
      """),
    E("sig_dW_transposed", "sigmoid", "sigmoid_layer_backward",
      "dW is np.outer(x, da), the transpose of the right gradient (shape (D, H)).",
      [r"transpos|\(D, H\)|swapp|outer\(x|order of"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          da = dz * z * (1 - z)
          dx = W.T @ da
          dW = np.outer(x, da)
          return dx, dW
      """),
    E("sig_no_local_grad", "sigmoid", "sigmoid_layer_backward",
      "The sigmoid's local gradient z(1 - z) is left out entirely (da = dz).",
      [r"local gradient|z\s*\(1\s*-\s*z\)|z \* \(1 - z\)|through the sigmoid|sigmoid'?s? derivative|derivative of the sigmoid"], """
      def sigmoid_layer_backward(dz, cache):
          W, x, z = cache
          dx = W.T @ dz
          dW = np.outer(dz, x)
          return dx, dW
      """),
    E("satfrac_z_not_local", "sigmoid", "saturated_fraction",
      "Saturation is judged from z < tol (only the low side) instead of from the local gradient z(1 - z).",
      [r"z\s*\(1\s*-\s*z\)|local gradient|both (ends|sides)|near 1|high side|only (the )?(low|small)"], """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          return float(np.mean(Z < tol))
      """),
    E("satfrac_count", "sigmoid", "saturated_fraction",
      "Returns the count of saturated pairs instead of the fraction (not divided by N*H).",
      ['count|not a fraction|not their fraction|divid|N ?\\* ?H|number of (saturated )?pairs'], """
      def saturated_fraction(W, X, tol=1e-3):
          Z = sigmoid(X @ W.T)
          return float(np.sum(Z * (1 - Z) < tol))
      """),
    # ------------------------------------------------------------------ relu (8)
    E("relu_ge_zero", "relu", "relu_backward",
      "The mask uses a >= 0, so the gradient passes where a is exactly 0.",
      [r"exactly (0|zero)|a ?== ?0|>= ?0|equal to (0|zero)|at (0|zero)|ties?"], """
      def relu_backward(dout, cache):
          a = cache
          return dout * (a >= 0)
      """),
    E("relu_on_gradient", "relu", "relu_backward",
      "A ReLU is applied to the gradient (max(0, dout)) instead of masking dout by a > 0.",
      [r"ReLU (of|on|to) (the )?(gradient|dout|upstream)|max\(0, ?dout\)|max\(dout, ?0\)|sign of `?(the )?(gradient|dout)|negative (gradients?|dout|upstream)|mask(ed)? (by|on) (the )?(upstream )?(gradient|dout)|mask is taken on (the )?(upstream )?(gradient|dout)|instead of a\b"], """
      def relu_backward(dout, cache):
          a = cache
          da = np.maximum(0, dout)
          return da
      """),
    E("relu_inplace_dout", "relu", "relu_backward",
      "The upstream gradient dout is changed in place and returned.",
      [r"modif|in place|changed|overwr|alias|same array|new array"], """
      def relu_backward(dout, cache):
          a = cache
          dout[a <= 0] = 0
          return dout
      """),
    E("leaky_sides_swapped", "relu", "leaky_relu_backward",
      "The slope is applied on the positive side and dout passes unchanged on the negative side (sides swapped).",
      [r"swap|other side|wrong side|opposite|revers|invert|positive side|a > 0.*slope"], """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          da = np.where(a > 0, slope * dout, dout)
          return da
      """),
    E("leaky_slope_times_a", "relu", "leaky_relu_backward",
      "On the negative side it returns slope * a (the forward output) instead of slope * dout.",
      [r"slope \* a\b|instead of (the upstream gradient|dout)|not (multiplied by|times) dout|without dout|forward (output|value)|(input|activation|a) instead of"], """
      def leaky_relu_backward(dout, cache):
          a, slope = cache
          return np.where(a > 0, dout, slope * a)
      """),
    E("prelu_dalpha_mean", "relu", "prelu_backward",
      "dalpha averages over the batch instead of summing (1/N too small).",
      [SCALE_N, r"sum over the batch"], """
      def prelu_backward(dout, cache):
          a, alpha = cache
          neg = a <= 0
          da = np.where(neg, alpha * dout, dout)
          dalpha = np.mean(np.where(neg, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("prelu_dalpha_positive_side", "relu", "prelu_backward",
      "dalpha sums dout * a over the positive entries instead of the entries where a <= 0.",
      ['positive (side|entries|part|inputs)|wrong side|other side|opposite|a <= 0|negative (entries|side|part)'], """
      def prelu_backward(dout, cache):
          a, alpha = cache
          da = np.where(a > 0, dout, alpha * dout)
          dalpha = np.sum(np.where(a > 0, a * dout, 0.0), axis=0)
          return da, dalpha
      """),
    E("dead_no_bias", "relu", "dead_neuron_fraction",
      "The pre-activation leaves out the bias b.",
      ['bias|\\bb\\b (is )?(missing|left out|forgotten)|without (the )?b\\b'], """
      def dead_neuron_fraction(W, b, X):
          pre = X @ W.T
          return float(np.mean(np.all(pre <= 0, axis=0)))
      """),
    # ------------------------------------------------------------------ rnn (10)
    E("rrnn_forward_in_time", "rnn", "relu_rnn_backward",
      "The loop walks forward in time (t = 0 .. T-1) instead of from the last step back.",
      [r"forward in time|wrong (order|direction)|revers|backward in time|last step first|from the (last|end)|order of the (loop|steps)"], """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros_like(Whh)
          carry = np.zeros(H)
          for t in range(T):
              delta = (dhs[t] + carry) * (hs[t] > 0)
              prev = hs[t - 1] if t > 0 else h0
              dWhh += np.outer(delta, prev)
              carry = Whh.T @ delta
          return dWhh, carry
      """),
    E("rrnn_carry_no_transpose", "rnn", "relu_rnn_backward",
      "The carry is Whh @ delta instead of Whh.T @ delta (missing transpose).",
      [r"transpos|Whh\.T|\.T\b"], """
      def relu_rnn_backward(dhs, cache):
          Whh, h0, hs = cache
          T, H = hs.shape
          dWhh = np.zeros((H, H))
          dh = np.zeros(H)
          for t in range(T - 1, -1, -1):
              delta = (dhs[t] + dh) * (hs[t] > 0)
              prev = h0 if t == 0 else hs[t - 1]
              dWhh += np.outer(delta, prev)
              dh = Whh @ delta
          return dWhh, dh
      """),
    E("rrnn_same_step_state", "rnn", "relu_rnn_backward",
      "dWhh uses the state of the same step hs[t] instead of the previous state hs[t-1].",
      ['hs\\[t\\] instead|instead of hs\\[t ?- ?1\\]|previous state|shift|off by one|neighbou?r|same step|one step (late|early|later)'], """
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
    E("rstep_db_axis", "rnn", "rnn_step_backward",
      "db sums da over the hidden units (axis=1) instead of over the batch (axis=0).",
      [r"axis|sum(med)? over|batch|shape|\(N,\)"], """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1 - next_h ** 2)
          return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, da.sum(axis=1)
      """),
    E("rstep_tanh_of_cached", "rnn", "rnn_step_backward",
      "The tanh derivative is 1 - tanh(next_h)**2, applying tanh again to the cached output next_h.",
      [r"tanh (of|to) (the )?(next_h|output|cached)|tanh\(next_h\)|twice|again|already (a|the) tanh|already applied"], """
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
    E("rstep_dWh_next_h", "rnn", "rnn_step_backward",
      "dWh uses next_h (this step's output) instead of prev_h.",
      [r"\bnext_h\b|\bprev_h\b|previous (hidden )?state|neighbou?r|wrong state|shift|output instead"], """
      def rnn_step_backward(dnext_h, cache):
          x, prev_h, Wx, Wh, next_h = cache
          da = dnext_h * (1 - next_h * next_h)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dWx = x.T @ da
          dWh = next_h.T @ da
          db = da.sum(0)
          return dx, dprev_h, dWx, dWh, db
      """),
    E("rnn_skip_first_step", "rnn", "rnn_backward",
      "The loop stops before step 0 (range(T-1, 0, -1)), so the first step is never backpropagated.",
      [r"first step|step 0|t ?= ?0|off by one|skip|stops? before|never reach|missing (the )?(first|one) step"], """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          Wx, Wh = cache[0][2], cache[0][3]
          dx = np.zeros((N, T, D))
          dWx = np.zeros_like(Wx)
          dWh = np.zeros_like(Wh)
          db = np.zeros(H)
          dprev = np.zeros((N, H))
          for t in range(T - 1, 0, -1):
              dx_t, dprev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dprev, cache[t])
              dx[:, t] = dx_t
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev, dWx, dWh, db
      """),
    E("rnn_no_carry", "rnn", "rnn_backward",
      "The gradient flowing back from the later step (dprev) is never added to dh[:, t].",
      [r"carry|flows? (back )?between|from (the )?later steps?|through time|recurren|dprev|hidden[- ]state path|next step"], """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          dx = np.zeros((N, T, D))
          dWx = np.zeros((D, H))
          dWh = np.zeros((H, H))
          db = np.zeros(H)
          dh0 = None
          for t in reversed(range(T)):
              dx[:, t], dh0, a, b_, c = rnn_step_backward(dh[:, t], cache[t])
              dWx += a
              dWh += b_
              db += c
          return dx, dh0, dWx, dWh, db
      """),
    E("rnn_weights_over_T", "rnn", "rnn_backward",
      "The weight gradients dWx, dWh and db are averaged over the T steps instead of summed.",
      [SCALE_T, r"sum(med)? over (all )?(the )?(time )?steps"], """
      def rnn_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, Wx, Wh, _ = cache[0]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
          dprev = np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t, :], dprev, gWx, gWh, gb = rnn_step_backward(dh[:, t, :] + dprev, cache[t])
              dWx += gWx
              dWh += gWh
              db += gb
          return dx, dprev, dWx / T, dWh / T, db / T
      """),
    E("clipnorm_inverted", "rnn", "clip_grad_norm",
      "The clipping factor is inverted: total_norm / max_norm instead of max_norm / total_norm.",
      [r"invert|reciprocal|upside|max_norm ?/ ?total_norm|total_norm ?/ ?max_norm|the other way"], """
      def clip_grad_norm(grads, max_norm):
          total = 0.0
          for g in grads.values():
              total += np.sum(g * g)
          total_norm = float(np.sqrt(total))
          clipped = {}
          for k, g in grads.items():
              if total_norm > max_norm:
                  clipped[k] = g * (total_norm / max_norm)
              else:
                  clipped[k] = g.copy()
          return clipped, total_norm
      """),
    # ------------------------------------------------------------------ softmax (19)
    E("aff_db_axis1", "softmax", "affine_backward",
      "db sums dout over axis 1 (per example) instead of over the batch.",
      [r"axis|sum(med)? over|batch|shape|\(N,\)"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = np.sum(dout, axis=1)
          return dx, dW, db
      """),
    E("aff_dW_over_N", "softmax", "affine_backward",
      "dW is divided by the batch size N.",
      [SCALE_N], """
      def affine_backward(dout, cache):
          x, W, b = cache
          N = x.shape[0]
          dx = dout @ W.T
          dW = x.T @ dout / N
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("aff_dx_no_transpose", "softmax", "affine_backward",
      "dx is computed as dout @ W, without transposing W.",
      [r"transpos|W\.T|\.T\b"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dx, dW, db
      """),
    E("aff_db_mean", "softmax", "affine_backward",
      "db is the mean of dout over the batch instead of the sum.",
      [SCALE_N], """
      def affine_backward(dout, cache):
          x, W, b = cache
          return dout @ W.T, x.T @ dout, dout.mean(axis=0)
      """),
    E("aff_dW_transposed", "softmax", "affine_backward",
      "dW is dout.T @ x, the transpose of the right gradient.",
      [r"transpos|\(M, D\)|swapp|order of"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = np.dot(dout, W.T)
          dW = np.dot(dout.T, x)
          db = np.sum(dout, axis=0)
          return dx, dW, db
      """),
    E("aff_order_dW_first", "softmax", "affine_backward",
      "The outputs are returned in the order (dW, dx, db).",
      [r"order|swapp|(dW|dx) (and|with) (dx|dW)|returned (first|second)|in place of"], """
      def affine_backward(dout, cache):
          x, W, b = cache
          dx = dout @ W.T
          dW = x.T @ dout
          db = dout.sum(axis=0)
          return dW, dx, db
      """),
    E("sce_one_hot", "softmax", "softmax_cross_entropy_backward",
      "dlogits assumes one-hot labels (probs - labels) and ignores that soft label rows need not sum to 1.",
      ["one-hot|sum to 1|row sums?|sum of (the )?labels|labels' sum|labels don't sum"], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss * (probs - labels) / N
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce_dlogits_no_N", "softmax", "softmax_cross_entropy_backward",
      "dlogits is not divided by N (the loss is a mean over rows).",
      [SCALE_N], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          s = labels.sum(axis=1, keepdims=True)
          dlogits = dloss * (probs * s - labels)
          dlabels = -dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce_dlabels_zero", "softmax", "softmax_cross_entropy_backward",
      "dlabels is returned as zeros: the labels' term is never computed.",
      ["all zeros?|zero everywhere|only zeros|are zero|never computed|labels' term (is )?missing"], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss * (probs * labels.sum(1, keepdims=True) - labels) / N
          dlabels = np.zeros_like(labels)
          return dlogits, dlabels
      """),
    E("sce_dlabels_sign", "softmax", "softmax_cross_entropy_backward",
      "dlabels has the wrong sign (+log(probs)/N).",
      ['sign|(times|by|factor( of)?|c =) -1\\b|negat|opposite|minus'], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          row = np.sum(labels, axis=1, keepdims=True)
          dlogits = dloss * (probs * row - labels) / N
          dlabels = dloss * np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce_dlabels_probs_not_log", "softmax", "softmax_cross_entropy_backward",
      "dlabels uses probs instead of log(probs).",
      [r"\blog\b|log-?prob|probs instead|without (the )?log"], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = dloss * (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dlabels = -dloss * probs / N
          return dlogits, dlabels
      """),
    E("sce_no_dloss", "softmax", "softmax_cross_entropy_backward",
      "The upstream gradient dloss is ignored (both outputs are computed as if dloss were 1).",
      ['dloss (is )?(ignored|missing|left out|forgotten|not used)|(ignor\\w*|without|missing|forgot\\w*) (the )?(upstream gradient|dloss)|not (multiplied|scaled) by dloss|times dloss'], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = logits.shape[0]
          dlogits = (probs * labels.sum(axis=1, keepdims=True) - labels) / N
          dlabels = -np.log(probs) / N
          return dlogits, dlabels
      """),
    E("sce_onehot_and_dlabels_no_N", "softmax", "softmax_cross_entropy_backward",
      "Two slips: dlogits assumes one-hot labels (probs - labels) and dlabels is not divided by N.",
      ['one-hot|sum to 1|row sums?|sum of (the )?labels', '1/N|divided by N|N times|factor of|scale|\\bmean\\b|averag'], """
      def softmax_cross_entropy_backward(dloss, cache):
          logits, labels, probs = cache
          N = len(logits)
          dlogits = dloss * (probs - labels) / N
          dlabels = -dloss * np.log(probs)
          return dlogits, dlabels
      """),
    E("mlp_relu_on_gradient", "softmax", "mlp_backward",
      "The ReLU's backward applies max(0, dh) to the gradient instead of masking by the ReLU's input.",
      [r"ReLU (of|on|to) (the )?(gradient|dh|upstream)|max\(0, ?dh\)|sign of (the )?(gradient|dh)|negative (gradients?|dh)|mask(ed)? by (the )?gradient|instead of (the )?(ReLU's )?input"], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = np.maximum(0, dh)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp_mask_no_bias", "softmax", "mlp_backward",
      "The ReLU mask is recomputed from X @ W1 without the bias b1.",
      ['bias|without (the )?b1|b1 (is )?(missing|left out)'], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          X, W1, b1 = aff1_cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          mask = (X @ W1) > 0
          dX, dW1, db1 = affine_backward(dh * mask, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp_W_keys_swapped", "softmax", "mlp_backward",
      "The gradients of the two layers are stored under each other's keys (W1 <-> W2, b1 <-> b2).",
      ['swap|other layer|wrong keys?|exchanged|under each other'], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dX, dW1, db1 = affine_backward(dh * (relu_cache > 0), aff1_cache)
          return dX, {"W1": dW2, "b1": db2, "W2": dW1, "b2": db1}
      """),
    E("mlp_no_relu_mask", "softmax", "mlp_backward",
      "The ReLU is skipped in the backward pass: dh goes straight into the first layer.",
      ["ReLU('s)? (backward|mask|derivative)( pass)? (is )?(missing|skipped|forgotten)|without (the )?(ReLU|mask)|mask (is )?(missing|forgotten)|skip\\w* the ReLU"], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          dX, dW1, db1 = affine_backward(dh, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp_dlabels_used", "softmax", "mlp_backward",
      "The loss backward's outputs are unpacked in the wrong order, so dlabels is used as the gradient on the logits.",
      ['dlabels (was |is )?used|used dlabels|gradient (on|to|with respect to) (the )?labels|second output|wrong output|unpack'], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          _, dlogits = softmax_cross_entropy_backward(dloss, loss_cache)
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    E("mlp_N_twice", "softmax", "mlp_backward",
      "Every gradient is divided by N again although the loss backward already averaged over the batch (1/N twice).",
      [SCALE_N, r"twice"], """
      def mlp_backward(dloss, cache):
          aff1_cache, relu_cache, aff2_cache, loss_cache = cache
          N = aff1_cache[0].shape[0]
          dlogits, _ = softmax_cross_entropy_backward(dloss, loss_cache)
          dlogits = dlogits / N
          dh, dW2, db2 = affine_backward(dlogits, aff2_cache)
          da = dh * (relu_cache > 0)
          dX, dW1, db1 = affine_backward(da, aff1_cache)
          return dX, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
      """),
    # ------------------------------------------------------------------ lstm (19)
    E("lstep_no_dnext_c", "lstm", "lstm_step_backward",
      "The upstream gradient on the cell state dnext_c is never added to dc.",
      ['dnext_c (is )?(ignored|missing|never added|left out|dropped)|(without|ignor\\w*|missing|forgot\\w*) (the )?dnext_c|carry|cell[- ]state (gradient|path)|(gradient|path) (on|along|through) (the )?cell|from the next step'], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tc = np.tanh(next_c)
          do = dnext_h * tc
          dc = dnext_h * o * (1 - tc ** 2)
          di, df, dg = dc * g, dc * prev_c, dc * i
          dprev_c = dc * f
          da = np.hstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g ** 2)])
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_blocks_ifgo", "lstm", "lstm_step_backward",
      "The gate blocks are concatenated in the order i, f, g, o instead of i, f, o, g.",
      ['swap|gate order|order of the gates|wrong order|i, f, o, g|ifog|ifgo|o and g|g and o'], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          di = dc * g
          df = dc * prev_c
          dg = dc * i
          dai = di * i * (1 - i)
          daf = df * f * (1 - f)
          dao = do * o * (1 - o)
          dag = dg * (1 - g ** 2)
          da = np.concatenate([dai, daf, dag, dao], axis=1)
          dx = da @ Wx.T
          dprev_h = da @ Wh.T
          dprev_c = dc * f
          return dx, dprev_h, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_forget_deriv_uses_i", "lstm", "lstm_step_backward",
      "The forget gate's sigmoid derivative uses i(1 - i) instead of f(1 - f).",
      ["forget gate|f\\s*\\(1\\s*-\\s*f\\)|f \\* \\(1 - f\\)|derivative of f\\b|f's (derivative|block)|i\\s*\\(1\\s*-\\s*i\\)"], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1.0 - tanh_c ** 2)
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * i * (1 - i),
                               do * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_no_tanh_c_deriv", "lstm", "lstm_step_backward",
      "The path from next_h to the cell skips tanh's derivative (dc = dnext_c + dnext_h * o).",
      ["tanh'|tanh's derivative|derivative of (the )?tanh|1 ?- ?tanh|through (the )?tanh"], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          do = dnext_h * np.tanh(next_c)
          dc = dnext_c + dnext_h * o
          di = dc * g
          df = dc * prev_c
          dg = dc * i
          da = np.concatenate([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g * g)], axis=1)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, np.sum(da, axis=0)
      """),
    E("lstep_dprev_c_no_f", "lstm", "lstm_step_backward",
      "dprev_c is dc itself, missing the factor f.",
      ['forget gate|times f\\b|factor f\\b|missing (the )?f\\b|multipl\\w* by f\\b'], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          dprev_c = dc.copy()
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                               do * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dprev_c, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_do_next_c", "lstm", "lstm_step_backward",
      "The output gate's gradient uses next_c instead of tanh(next_c).",
      ['tanh\\(next_c\\)|tanh of (the )?(cell|next_c)|output gate'], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * next_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                               do * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_g_as_sigmoid", "lstm", "lstm_step_backward",
      "The candidate g's derivative is taken as a sigmoid's, g(1 - g), instead of tanh's 1 - g**2.",
      ["candidate|1 ?- ?g\\s*\\*\\*\\s*2|tanh'?s? derivative|g's (block|derivative)|g\\s*\\(1\\s*-\\s*g\\)"], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          gates = np.concatenate([i, f, o, g], axis=1)
          dgates = np.concatenate([dc * g, dc * prev_c, do, dc * i], axis=1)
          da = dgates * gates * (1 - gates)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)
      """),
    E("lstep_db_axis1", "lstm", "lstm_step_backward",
      "db sums over axis 1 (the gate units) instead of over the batch.",
      [r"axis|sum(med)? over|batch|shape|\(N,\)"], """
      def lstm_step_backward(dnext_h, dnext_c, cache):
          x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
          tanh_c = np.tanh(next_c)
          do = dnext_h * tanh_c
          dc = dnext_c + dnext_h * o * (1 - tanh_c ** 2)
          da = np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f),
                               do * o * (1 - o), dc * i * (1 - g ** 2)], axis=1)
          return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=1)
      """),
    E("lstm_forward_in_time", "lstm", "lstm_backward",
      "The loop walks forward in time instead of from the last step back.",
      [r"forward in time|wrong (order|direction)|revers|backward in time|last step first|from the (last|end)|order of the (loop|steps)"], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          D = cache[0][0].shape[1]
          Wx, Wh = cache[0][3], cache[0][4]
          dx = np.zeros((N, T, D))
          dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
          dph, dpc = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T):
              dx[:, t], dph, dpc, a, b_, c = lstm_step_backward(dh[:, t] + dph, dpc, cache[t])
              dWx += a
              dWh += b_
              db += c
          return dx, dph, dWx, dWh, db
      """),
    E("lstm_no_c_carry", "lstm", "lstm_backward",
      "The cell-state gradient is not carried between steps: every step gets zeros as dnext_c.",
      ['(carry|gradient) (on|along|through) the cell|cell[- ]state (carry|gradient|path)|dprev_c|dnext_c'], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h = np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, _, gWx, gWh, gb = lstm_step_backward(
                  dh[:, t] + dprev_h, np.zeros((N, H)), cache[t])
              dWx += gWx
              dWh += gWh
              db += gb
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lstm_dh0_is_dc", "lstm", "lstm_backward",
      "It returns the cell-state gradient dprev_c as dh0 instead of dprev_h.",
      ['dh0 .{0,40}cell|(dprev_c|cell[- ]state gradient|gradient on the cell state) .{0,30}(returned|given|as dh0)|instead of (the )?(dprev_h|hidden)|wrong (output|quantity)'], """
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
    E("lstm_skip_last", "lstm", "lstm_backward",
      "The loop starts at T-2, so the last time step is never backpropagated.",
      ['last (time )?step|final step|off by one|skip|never (reach|visit)|missing (the )?(last|one) step'], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in range(T - 2, -1, -1):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lstm_no_h_carry", "lstm", "lstm_backward",
      "The hidden-state gradient from the later step is not added: each step gets only dh[:, t].",
      ['(carry|gradient) (on|along|through) the hidden|hidden[- ]state (carry|gradient|path)|dprev_h|flows? (back )?between|from (the )?later steps?|through time|recurren'], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(
                  dh[:, t], dprev_c, cache[t])
              dWx += dWx_t
              dWh += dWh_t
              db += db_t
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lstm_weights_overwritten", "lstm", "lstm_backward",
      "The weight gradients are overwritten at every step instead of summed, so only step 0's remain.",
      [r"overwr|accumulat|sum(med)? over (all )?(the )?(time )?steps|only (the )?(first|one|step 0)|\+=|first step"], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              dx[:, t], dprev_h, dprev_c, dWx, dWh, db = lstm_step_backward(
                  dh[:, t] + dprev_h, dprev_c, cache[t])
          return dx, dprev_h, dWx, dWh, db
      """),
    E("lstm_weights_over_T", "lstm", "lstm_backward",
      "The weight gradients are averaged over the T steps instead of summed.",
      [SCALE_T, r"sum(med)? over (all )?(the )?(time )?steps"], """
      def lstm_backward(dh, cache):
          N, T, H = dh.shape
          x0, _, _, Wx, Wh = cache[0][:5]
          dx = np.zeros((N, T, x0.shape[1]))
          grads = [np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wx.shape[1])]
          dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
          for t in reversed(range(T)):
              out = lstm_step_backward(dh[:, t] + dprev_h, dprev_c, cache[t])
              dx[:, t], dprev_h, dprev_c = out[:3]
              for k in range(3):
                  grads[k] += out[3 + k] / T
          return dx, dprev_h, grads[0], grads[1], grads[2]
      """),
    E("huber_regions_swapped", "lstm", "huber_backward",
      "Inside and outside are swapped: delta*sign(r) where |r| <= delta and r outside.",
      ['swap|inside.*outside|outside.*inside|quadratic.*linear|linear.*quadratic|wrong side|opposite'], """
      def huber_backward(dloss, r, delta=1.0):
          inside = np.abs(r) <= delta
          dr = np.where(inside, delta * np.sign(r), r)
          return dloss * dr / r.size
      """),
    E("huber_no_size", "lstm", "huber_backward",
      "The gradient is not divided by r.size (the loss is a mean over entries).",
      [r"r\.size|number of (entries|elements)|\bsize\b|\bmean\b|averag|divid|times too|scale|factor of"], """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.where(np.abs(r) <= delta, r, delta * np.sign(r))
      """),
    E("huber_delta_ignored", "lstm", "huber_backward",
      "The clip uses the fixed bounds [-1, 1] instead of [-delta, delta].",
      ['delta (is )?(ignored|missing|not used)|clip(ped)? at (\\+-|±)?1\\b|(bounds?|limits?) (of )?(\\[-1, 1\\]|±1|\\+-1)|instead of (\\+-|±)?delta|fixed (bound|1)'], """
      def huber_backward(dloss, r, delta=1.0):
          return dloss * np.clip(r, -1.0, 1.0) / r.size
      """),
    E("huber_outside_no_sign", "lstm", "huber_backward",
      "Outside, the gradient is delta without the sign of r, so negative errors get +delta.",
      ['sign|negative (errors|entries|r)|-delta|opposite|minus'], """
      def huber_backward(dloss, r, delta=1.0):
          dr = np.where(np.abs(r) <= delta, r, delta)
          return dloss * dr / r.size
      """),
]
