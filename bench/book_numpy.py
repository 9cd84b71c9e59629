# The network of "Grokking Deep Learning", chapter 9 (tanh hidden layer,
# softmax output, dropout, batches of 100), as the book publishes it, with
# one change: the MNIST files are read from the idx files given as the first
# argument (a directory holding train-images-idx3-ubyte.gz and the other
# three) instead of keras.datasets.mnist.load_data(), which returns the same
# arrays. As published, it evaluates the 10000 test images one at a time
# after every iteration and prints every tenth; with "vectorised" as the
# second argument it evaluates them with one matrix product, and only at the
# iterations it prints (the same numbers, as the compare command evaluates).
import gzip, os, sys
import numpy as np


def load_data(d):
    def idx(name, offset):
        with gzip.open(os.path.join(d, name), 'rb') as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
    x_train = idx('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)
    y_train = idx('train-labels-idx1-ubyte.gz', 8)
    x_test = idx('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)
    y_test = idx('t10k-labels-idx1-ubyte.gz', 8)
    return (x_train, y_train), (x_test, y_test)


vectorised = len(sys.argv) > 2 and sys.argv[2] == "vectorised"

# The book's code from here on.
np.random.seed(1)

(x_train, y_train), (x_test, y_test) = load_data(sys.argv[1])

images, labels = (x_train[0:1000].reshape(1000,28*28) / 255, y_train[0:1000])

one_hot_labels = np.zeros((len(labels),10))
for i,l in enumerate(labels):
    one_hot_labels[i][l] = 1
labels = one_hot_labels

test_images = x_test.reshape(len(x_test),28*28) / 255
test_labels = np.zeros((len(y_test),10))
for i,l in enumerate(y_test):
    test_labels[i][l] = 1

def tanh(x):
    return np.tanh(x)

def tanh2deriv(output):
    return 1 - (output ** 2)

def softmax(x):
    temp = np.exp(x)
    return temp / np.sum(temp, axis=1, keepdims=True)

alpha, iterations, hidden_size = (2, 300, 100)
pixels_per_image, num_labels = (784, 10)
batch_size = 100

weights_0_1 = 0.02*np.random.random((pixels_per_image,hidden_size))-0.01
weights_1_2 = 0.2*np.random.random((hidden_size,num_labels)) - 0.1

for j in range(iterations):
    correct_cnt = 0
    for i in range(int(len(images) / batch_size)):
        batch_start, batch_end=((i * batch_size),((i+1)*batch_size))
        layer_0 = images[batch_start:batch_end]
        layer_1 = tanh(np.dot(layer_0,weights_0_1))
        dropout_mask = np.random.randint(2,size=layer_1.shape)
        layer_1 *= dropout_mask * 2
        layer_2 = softmax(np.dot(layer_1,weights_1_2))

        for k in range(batch_size):
            correct_cnt += int(np.argmax(layer_2[k:k+1]) == np.argmax(labels[batch_start+k:batch_start+k+1]))

        layer_2_delta = (labels[batch_start:batch_end]-layer_2) / (batch_size * layer_2.shape[0])
        layer_1_delta = layer_2_delta.dot(weights_1_2.T) * tanh2deriv(layer_1)
        layer_1_delta *= dropout_mask

        weights_1_2 += alpha * layer_1.T.dot(layer_2_delta)
        weights_0_1 += alpha * layer_0.T.dot(layer_1_delta)

    test_correct_cnt = 0

    if vectorised:
        if j % 10 == 0:
            layer_2 = np.dot(tanh(np.dot(test_images, weights_0_1)), weights_1_2)
            test_correct_cnt = int(np.sum(np.argmax(layer_2, axis=1) == np.argmax(test_labels, axis=1)))
        test_range = range(0)
    else:
        test_range = range(len(test_images))
    for i in test_range:

        layer_0 = test_images[i:i+1]
        layer_1 = tanh(np.dot(layer_0,weights_0_1))
        layer_2 = np.dot(layer_1,weights_1_2)

        test_correct_cnt += int(np.argmax(layer_2) == np.argmax(test_labels[i:i+1]))
    if(j % 10 == 0):
        sys.stdout.write("\n"+ \
         "I:" + str(j) + \
         " Test-Acc:"+str(test_correct_cnt/float(len(test_images)))+\
         " Train-Acc:" + str(correct_cnt/float(len(images))))
sys.stdout.write("\n")
