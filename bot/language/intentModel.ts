/** One labelled example as the model learns it. */
export interface TrainingExample {
  features: Map<string, number>;
  label: number;
}

/** How the model is trained; the defaults are what `docs/language.md` measured. */
export interface TrainingOptions {
  /** Passes over the examples. */
  epochs: number;
  /** Step size of AdaGrad. */
  learningRate: number;
  /** L2 penalty per example, which keeps a rare n-gram from deciding alone. */
  l2: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { epochs: 20, learningRate: 0.5, l2: 1e-4 };

/** A small deterministic generator, so training (and the measured accuracy) is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Multinomial logistic regression (softmax) over sparse features, trained with AdaGrad. Chosen
 * over naive Bayes because its probabilities are calibrated enough to route on: naive Bayes
 * multiplies hundreds of overlapping n-gram likelihoods and says 0.999 about nearly everything.
 */
export class IntentModel {
  private readonly weights = new Map<string, Float64Array>();
  private readonly bias: Float64Array;

  constructor(
    private readonly classCount: number,
    examples: readonly TrainingExample[],
    options: TrainingOptions = DEFAULT_TRAINING,
  ) {
    this.bias = new Float64Array(classCount);
    this.train(examples, options);
  }

  /** True when the model saw this feature in training. */
  knows(feature: string): boolean {
    return this.weights.has(feature);
  }

  /** Probability of each class. */
  predict(features: Map<string, number>): Float64Array {
    const scores = Float64Array.from(this.bias);
    for (const [feature, value] of features) {
      const row = this.weights.get(feature);
      if (!row) continue;
      for (let k = 0; k < this.classCount; k += 1) scores[k]! += row[k]! * value;
    }
    return softmax(scores);
  }

  private train(examples: readonly TrainingExample[], options: TrainingOptions): void {
    const squares = new Map<string, Float64Array>();
    const biasSquares = new Float64Array(this.classCount).fill(1e-8);
    const order = examples.map((_, index) => index);
    const random = seededRandom(42);
    for (const example of examples) {
      for (const feature of example.features.keys()) {
        if (!this.weights.has(feature)) {
          this.weights.set(feature, new Float64Array(this.classCount));
          squares.set(feature, new Float64Array(this.classCount).fill(1e-8));
        }
      }
    }
    for (let epoch = 0; epoch < options.epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const index of order) {
        const example = examples[index]!;
        const errors = this.predict(example.features);
        for (let k = 0; k < this.classCount; k += 1) {
          const error = errors[k]! - (k === example.label ? 1 : 0);
          errors[k] = error;
          biasSquares[k]! += error * error;
          this.bias[k]! -= (options.learningRate * error) / Math.sqrt(biasSquares[k]!);
        }
        // NOTE: features outer, classes inner: one map lookup per feature instead of one per class;
        // each weight's update depends only on itself, so the result is the same.
        for (const [feature, value] of example.features) {
          const row = this.weights.get(feature)!;
          const square = squares.get(feature)!;
          for (let k = 0; k < this.classCount; k += 1) {
            const gradient = errors[k]! * value + options.l2 * row[k]!;
            square[k]! += gradient * gradient;
            row[k]! -= (options.learningRate * gradient) / Math.sqrt(square[k]!);
          }
        }
      }
    }
  }
}

function softmax(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const score of scores) max = Math.max(max, score);
  let sum = 0;
  for (let k = 0; k < scores.length; k += 1) {
    scores[k] = Math.exp(scores[k]! - max);
    sum += scores[k]!;
  }
  for (let k = 0; k < scores.length; k += 1) scores[k]! /= sum;
  return scores;
}
