// Package sweep trains the hand-rolled network of package mnist over hidden
// activations × outputs × seeds (Sweep, SweepSeeds, Seeds), summarises each
// configuration over the seeds (SweepCell: mean and spread) and judges the
// chapter's claims with a one-sided Welch's t-test (Claim, ClaimLevel).
//
// It does not check gradients itself (each configuration passes
// reference.Preflight before it is trained) and does not compare
// implementations (package compare does): it trains one of them, the
// faster.
package sweep
