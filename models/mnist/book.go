package mnist

// BookRow is one row the book printed: `I:j Test-Acc:… Train-Acc:…`.
type BookRow struct {
	Iteration         int
	TestAcc, TrainAcc float64
}

// BookTable returns the run published in Grokking Deep Learning, chapter 9
// (the tanh/softmax/dropout network at DefaultConfig with the book's slope),
// every 10th iteration. NumPy with seed 1 reproduces it exactly; so does
// HandRolled with Config.Book set.
func BookTable() []BookRow {
	test := [...]float64{.394, .6867, .7025, .734, .7663, .7913, .8102, .8228, .831, .8364,
		.8407, .845, .8481, .8505, .8526, .8555, .8577, .8596, .8619, .863,
		.8642, .8653, .8668, .8672, .8681, .8687, .8684, .8703, .8699, .8701}
	train := [...]float64{.156, .723, .732, .763, .794, .819, .849, .864, .867, .885,
		.883, .891, .901, .901, .905, .914, .925, .918, .933, .933,
		.926, .931, .93, .937, .938, .937, .945, .951, .949, .94}
	rows := make([]BookRow, len(test))
	for i := range rows {
		rows[i] = BookRow{Iteration: 10 * i, TestAcc: test[i], TrainAcc: train[i]}
	}
	return rows
}

// MatchesBook reports whether p's accuracies print as the book's row r: the
// book prints float64 fractions of 10000 and 1000 images, so equal counts give
// equal values.
func MatchesBook(p Point, r BookRow) bool {
	return p.Iteration == r.Iteration && p.TestAcc == r.TestAcc && p.TrainAcc == r.TrainAcc
}
