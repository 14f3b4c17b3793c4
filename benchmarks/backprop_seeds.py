"""The digits network of the chapter ``backpropagation`` over several seeds.

The chapter trains the 64-32-16-10 tanh network once (seed 2026) and states: at least 95 %
test accuracy, an initial loss of about log 10, a training loss that keeps falling over the
last five epochs while the test loss levels off. This script trains with the chapter's seed
and five others and prints, for each, the test accuracy, the first epoch at 95 %, and the
trends over the last five epochs (slope of a straight line through the log of the loss, per
epoch), so that the chapter claims only what holds across seeds.

Run: ``.venv/bin/python benchmarks/backprop_seeds.py`` (about a minute).
"""

from __future__ import annotations

import numpy as onp

from jaccourse.datasets import load_digits
from jaccourse.nn import MLP, train


def main(seeds=(2026, 0, 1, 2, 3, 4)) -> None:
    data = load_digits()
    print(
        f"{'seed':>5} {'test acc':>9} {'first 95%':>9} {'log L0':>7} "
        f"{'train trend':>11} {'test trend':>10} {'ratio':>6} {'test max/min':>12}"
    )
    for seed in seeds:
        net = MLP([64, 32, 16, 10], activation="tanh", init="xavier_normal", rng=seed)
        _, h = train(
            net,
            data.X_train,
            data.y_train,
            lr=0.1,
            batch_size=32,
            epochs=15,
            momentum=0.9,
            rng=seed,
            X_val=data.X_test,
            y_val=data.y_test,
        )
        last5 = slice(-5, None)
        s_test = onp.polyfit(h.epoch[last5], onp.log(h.val_loss[last5]), 1)[0]
        s_train = onp.polyfit(h.epoch[last5], onp.log(h.loss[last5]), 1)[0]
        first95 = int(h.epoch[onp.argmax(h.val_accuracy >= 0.95)])
        print(
            f"{seed:>5} {h.val_accuracy[-1]:>9.2%} {first95:>9d} {h.loss[0]:>7.3f} "
            f"{onp.expm1(s_train):>+11.1%} {onp.expm1(s_test):>+10.1%} "
            f"{abs(s_test) / abs(s_train):>6.2f} "
            f"{h.val_loss[last5].max() / h.val_loss[last5].min():>12.2f}"
        )


if __name__ == "__main__":
    main()
