#![cfg(not(target_arch = "wasm32"))]
//! The STOMP 1.2 codec: client frames byte for byte, RabbitMQ-shaped server frames, escaping,
//! partial chunks, limits, and a bounded fuzz run (more: `STOMP_FUZZ_CASES=1000000 cargo test
//! --release --test broker_stomp`).

use queue_playground::broker::stomp::{
    self, AckHeader, Command, DecodeError, Decoder, Frame, FrameError, Incoming, Limits,
    ServerFrame,
};

/// Decodes a whole stream: everything it yields, then the error that stopped it, if any.
fn decode_all(chunks: &[&[u8]], limits: Limits) -> (Vec<Incoming>, Option<DecodeError>) {
    let mut d = Decoder::new(limits);
    let mut out = Vec::new();
    for chunk in chunks {
        d.push(chunk);
        loop {
            match d.next_incoming() {
                Ok(Some(x)) => out.push(x),
                Ok(None) => break,
                Err(e) => return (out, Some(e)),
            }
        }
    }
    (out, None)
}

fn frames(items: &[Incoming]) -> Vec<&Frame> {
    items
        .iter()
        .filter_map(|i| match i {
            Incoming::Frame(f) => Some(f),
            Incoming::Heartbeat => None,
        })
        .collect()
}

fn one_frame(bytes: &[u8]) -> Result<Frame, DecodeError> {
    let (items, err) = decode_all(&[bytes], Limits::default());
    if let Some(e) = err {
        return Err(e);
    }
    Ok(frames(&items)[0].clone())
}

#[test]
fn client_frames_are_written_byte_for_byte() {
    assert_eq!(
        stomp::connect("/", "guest", "guest", (10000, 10000)),
        b"CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:10000,10000\n\n\0"
    );
    assert!(stomp::stomp("/", "g", "p", (0, 0)).starts_with(b"STOMP\naccept-version:1.2\n"));
    assert_eq!(
        stomp::subscribe("sub-1", "/queue/my_queue", AckHeader::Auto, None),
        b"SUBSCRIBE\nid:sub-1\ndestination:/queue/my_queue\nack:auto\n\n\0"
    );
    assert_eq!(
        stomp::subscribe("s", "/queue/q", AckHeader::Client, Some(0)),
        b"SUBSCRIBE\nid:s\ndestination:/queue/q\nack:client\nprefetch-count:0\n\n\0"
    );
    assert_eq!(
        stomp::send("/queue/my_queue", b"hi\0there", true),
        b"SEND\ndestination:/queue/my_queue\npersistent:true\ncontent-length:8\n\nhi\0there\0"
    );
    assert_eq!(
        stomp::send("/queue/q", b"", false),
        b"SEND\ndestination:/queue/q\n\n\0"
    );
    assert_eq!(stomp::nack("m-1", true), b"NACK\nid:m-1\n\n\0");
    assert_eq!(
        stomp::nack("m-1", false),
        b"NACK\nid:m-1\nrequeue:false\n\n\0"
    );
    assert_eq!(stomp::disconnect("bye"), b"DISCONNECT\nreceipt:bye\n\n\0");
}

#[test]
fn headers_are_escaped_except_in_connect_frames() {
    let f = Frame::new(Command::Send).with("a:b", "line1\nline2\r\\end");
    let wire = f.encode();
    assert_eq!(wire, b"SEND\na\\cb:line1\\nline2\\r\\\\end\n\n\0");
    assert_eq!(one_frame(&wire), Ok(f));
    // CONNECT is verbatim: a colon in a value stays, and the first colon splits.
    let c = Frame::new(Command::Connect).with("passcode", "a:b\\c");
    let wire = c.encode();
    assert_eq!(wire, b"CONNECT\npasscode:a:b\\c\n\n\0");
    assert_eq!(one_frame(&wire), Ok(c));
    // A line break would end the header early: it is written as a space.
    let broken = Frame::new(Command::Connect).with("login", "x\ny").encode();
    assert_eq!(broken, b"CONNECT\nlogin:x y\n\n\0");
}

#[test]
fn rabbitmq_server_frames_decode() {
    let connected = b"CONNECTED\nserver:RabbitMQ/3.10.8\nsession:session-Qx3P\nheart-beat:10000,10000\nversion:1.2\n\n\0";
    let f = one_frame(connected).unwrap();
    assert_eq!(
        ServerFrame::try_from(f),
        Ok(ServerFrame::Connected {
            version: "1.2".into(),
            heart_beat: (10000, 10000),
            server: Some("RabbitMQ/3.10.8".into()),
        })
    );
    let message = b"MESSAGE\r\nsubscription:sub-0\r\ndestination:/queue/my_queue\r\nmessage-id:T_sub-0@@session-Qx3P@@3\r\nredelivered:false\r\nack:T_sub-0@@session-Qx3P@@3\r\npersistent:true\r\ncontent-length:6\r\n\r\nab\0\ncd\0";
    let Ok(ServerFrame::Message(m)) = ServerFrame::try_from(one_frame(message).unwrap()) else {
        panic!("not a MESSAGE")
    };
    assert_eq!(m.subscription, "sub-0");
    assert_eq!(m.message_id, "T_sub-0@@session-Qx3P@@3");
    assert_eq!(m.ack_id(), "T_sub-0@@session-Qx3P@@3");
    assert!(!m.redelivered);
    assert_eq!(m.body, b"ab\0\ncd");
    let redelivered =
        b"MESSAGE\nsubscription:s\ndestination:/queue/q\nmessage-id:7\nredelivered:true\n\nx\0";
    let Ok(ServerFrame::Message(m)) = ServerFrame::try_from(one_frame(redelivered).unwrap()) else {
        panic!("not a MESSAGE")
    };
    assert!(m.redelivered);
    assert_eq!((m.ack.as_deref(), m.ack_id()), (None, "7"));
    assert_eq!(
        ServerFrame::try_from(one_frame(b"RECEIPT\nreceipt-id:bye\n\n\0").unwrap()),
        Ok(ServerFrame::Receipt {
            receipt_id: "bye".into()
        })
    );
    let error = b"ERROR\nmessage:not_found\ncontent-type:text/plain\ncontent-length:22\n\nNO_ROUTE to queue 'x'.\0";
    assert_eq!(
        ServerFrame::try_from(one_frame(error).unwrap()),
        Ok(ServerFrame::Error {
            message: "not_found".into(),
            body: b"NO_ROUTE to queue 'x'.".to_vec()
        })
    );
    assert_eq!(
        ServerFrame::try_from(one_frame(b"MESSAGE\ndestination:/queue/q\n\n\0").unwrap()),
        Err(FrameError::MissingHeader {
            command: Command::Message,
            header: "subscription"
        })
    );
    assert_eq!(
        ServerFrame::try_from(Frame::new(Command::Send)),
        Err(FrameError::UnexpectedCommand {
            command: Command::Send
        })
    );
    // A repeated header: the first value counts.
    let f = one_frame(b"RECEIPT\nreceipt-id:a\nreceipt-id:b\n\n\0").unwrap();
    assert_eq!(f.header("receipt-id"), Some("a"));
}

fn sample_stream() -> Vec<u8> {
    let mut s = Vec::new();
    s.extend_from_slice(b"\n\r\n");
    s.extend(
        Frame::new(Command::Connected)
            .with("version", "1.2")
            .encode(),
    );
    s.extend_from_slice(b"\n");
    let mut m = Frame::new(Command::Message)
        .with("subscription", "s")
        .with("destination", "/queue/q")
        .with("message-id", "1")
        .with("x", "a:b\nc");
    m.body = b"bin\0ary".to_vec();
    s.extend(m.encode());
    s.extend_from_slice(b"RECEIPT\r\nreceipt-id:r\r\n\r\n\0\r\n");
    s.extend_from_slice(b"ERROR\nmessage:x\n\nno length, ends at NUL\0");
    s
}

#[test]
fn a_stream_split_anywhere_decodes_the_same() {
    let stream = sample_stream();
    let (whole, err) = decode_all(&[&stream], Limits::default());
    assert_eq!(err, None);
    let kinds: Vec<&str> = whole
        .iter()
        .map(|i| match i {
            Incoming::Heartbeat => "hb",
            Incoming::Frame(f) => f.command.name(),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "hb",
            "hb",
            "CONNECTED",
            "hb",
            "MESSAGE",
            "RECEIPT",
            "hb",
            "ERROR"
        ]
    );
    assert_eq!(frames(&whole)[1].body, b"bin\0ary");
    assert_eq!(frames(&whole)[1].header("x"), Some("a:b\nc"));
    for cut in 0..=stream.len() {
        let (a, b) = stream.split_at(cut);
        assert_eq!(
            decode_all(&[a, b], Limits::default()),
            (whole.clone(), None)
        );
    }
    let bytes: Vec<&[u8]> = stream.chunks(1).collect();
    assert_eq!(decode_all(&bytes, Limits::default()), (whole, None));
}

#[test]
fn limits_refuse_a_frame_before_buffering_it_and_the_error_sticks() {
    let limits = Limits {
        max_frame: 64,
        max_headers: 2,
    };
    let too_long = b"SEND\ndestination:/queue/q\ncontent-length:100\n\n";
    let mut d = Decoder::new(limits);
    d.push(too_long);
    // Refused on its declared length, before a byte of its body arrives.
    assert_eq!(
        d.next_incoming(),
        Err(DecodeError::FrameTooLarge { limit: 64 })
    );
    d.push(b"SEND\n\n\0");
    assert_eq!(
        d.next_incoming(),
        Err(DecodeError::FrameTooLarge { limit: 64 })
    );
    assert_eq!(d.buffered(), 0, "a failed decoder keeps nothing");

    // No content-length: refused once 64 bytes arrive without a NUL.
    let mut d = Decoder::new(limits);
    d.push(b"SEND\n\n");
    for _ in 0..58 {
        assert_eq!(d.next_incoming(), Ok(None));
        d.push(b"x");
    }
    assert_eq!(
        d.next_incoming(),
        Err(DecodeError::FrameTooLarge { limit: 64 })
    );
    // A head that never ends is refused the same way.
    let (_, err) = decode_all(&[&b"SEND\nh:".repeat(20)], limits);
    assert_eq!(err, Some(DecodeError::FrameTooLarge { limit: 64 }));

    let (_, err) = decode_all(&[b"SEND\na:1\nb:2\nc:3\n\n\0"], limits);
    assert_eq!(err, Some(DecodeError::TooManyHeaders { limit: 2 }));
    let (ok, err) = decode_all(&[b"SEND\na:1\nb:2\n\n\0"], limits);
    assert_eq!((frames(&ok).len(), err), (1, None));
}

#[test]
fn malformed_frames_get_typed_errors() {
    let cases: [(&[u8], DecodeError); 8] = [
        (
            b"HELLO\n\n\0",
            DecodeError::UnknownCommand {
                command: b"HELLO".to_vec(),
            },
        ),
        (
            b"send\n\n\0",
            DecodeError::UnknownCommand {
                command: b"send".to_vec(),
            },
        ),
        (
            b"SEND\nnocolon\n\n\0",
            DecodeError::MalformedHeader { line: 2 },
        ),
        (
            b"SEND\na:1\nb:x\\t\n\n\0",
            DecodeError::InvalidEscape { line: 3 },
        ),
        (b"SEND\na:\xff\n\n\0", DecodeError::NotUtf8 { line: 2 }),
        (
            b"SEND\ncontent-length:-1\n\n\0",
            DecodeError::BadContentLength,
        ),
        (
            b"SEND\ncontent-length: 1\n\nx\0",
            DecodeError::BadContentLength,
        ),
        (b"SEND\ncontent-length:1\n\nxy\0", DecodeError::MissingNul),
    ];
    for (input, expected) in cases {
        assert_eq!(one_frame(input), Err(expected.clone()), "{input:?}");
        assert!(!expected.to_string().is_empty());
    }
    // A huge content-length is too large, not malformed (and never allocated).
    assert_eq!(
        one_frame(b"SEND\ncontent-length:99999999999999999999\n\n"),
        Err(DecodeError::BadContentLength)
    );
    assert_eq!(
        one_frame(b"SEND\ncontent-length:9999999999999999999\n\n"),
        Err(DecodeError::FrameTooLarge { limit: 1 << 20 })
    );
    // An unknown escape in CONNECTED is no escape at all.
    let f = one_frame(b"CONNECTED\nserver:a\\tb\n\n\0").unwrap();
    assert_eq!(f.header("server"), Some("a\\tb"));
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const COMMANDS: [Command; 6] = [
    Command::Send,
    Command::Message,
    Command::Ack,
    Command::Connect,
    Command::Connected,
    Command::Error,
];

fn random_text(rng: &mut Rng, verbatim: bool) -> String {
    const PIECES: &[&str] = &["a", "id", ":", "\\", "\n", "\r", "中", " ", "\0", "c", "😀"];
    (0..rng.below(6))
        .map(|_| PIECES[rng.below(PIECES.len())])
        .filter(|p| !(verbatim && (*p == "\n" || *p == "\r" || *p == ":")))
        .collect()
}

fn random_frame(rng: &mut Rng) -> Frame {
    let command = COMMANDS[rng.below(COMMANDS.len())];
    let verbatim = matches!(command, Command::Connect | Command::Connected);
    let mut f = Frame::new(command);
    for _ in 0..rng.below(4) {
        let name = random_text(rng, verbatim);
        let value = random_text(rng, verbatim);
        if name != "content-length" {
            f.headers.push((name, value));
        }
    }
    f.body = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
    f
}

/// The frame the encoder writes: it adds `content-length` to a non-empty body without one.
fn with_length(f: &Frame) -> Frame {
    let mut expected = f.clone();
    if !f.body.is_empty() && f.header("content-length").is_none() {
        let len = f.body.len().to_string();
        expected.headers.push(("content-length".into(), len));
    }
    expected
}

#[test]
fn random_frames_round_trip() {
    let mut rng = Rng(11);
    for _ in 0..3000 {
        let f = random_frame(&mut rng);
        assert_eq!(one_frame(&f.encode()), Ok(with_length(&f)), "{f:?}");
    }
}

/// A valid stream with random damage: flipped, dropped, inserted or duplicated bytes, cuts.
fn mutated_stream(rng: &mut Rng) -> Vec<u8> {
    let mut s = Vec::new();
    for _ in 0..1 + rng.below(4) {
        s.extend(random_frame(rng).encode());
        if rng.below(3) == 0 {
            s.extend_from_slice(b"\r\n");
        }
    }
    if rng.below(2) == 0 {
        s.extend(sample_stream());
    }
    for _ in 0..rng.below(6) {
        let at = rng.below(s.len() + 1);
        match rng.below(5) {
            0 if at < s.len() => s[at] ^= 1 << rng.below(8),
            1 if at < s.len() => drop(s.remove(at)),
            2 => s.insert(at, [b'\n', b'\r', b':', b'\\', 0, b'9'][rng.below(6)]),
            3 => {
                let piece = s[at..]
                    .iter()
                    .take(rng.below(16))
                    .copied()
                    .collect::<Vec<_>>();
                s.splice(at..at, piece);
            }
            _ => s.truncate(at),
        }
    }
    if rng.below(10) == 0 {
        s = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
    }
    s
}

#[test]
fn fuzz_never_panics_and_chunking_never_changes_the_result() {
    let cases: usize = std::env::var("STOMP_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4000);
    let limits = Limits {
        max_frame: 256,
        max_headers: 6,
    };
    let mut rng = Rng(2024);
    let (mut frames_seen, mut errors_seen) = (0, 0);
    for _ in 0..cases {
        let stream = mutated_stream(&mut rng);
        let whole = decode_all(&[&stream], limits);
        let mut chunks = Vec::new();
        let mut rest: &[u8] = &stream;
        while !rest.is_empty() {
            let (a, b) = rest.split_at(1 + rng.below(rest.len().min(40)));
            chunks.push(a);
            rest = b;
        }
        assert_eq!(decode_all(&chunks, limits), whole, "{stream:?}");
        for f in frames(&whole.0) {
            // Whatever decodes re-encodes to bytes that decode to the same frame, but for a
            // CR inside a CONNECT(ED) header, which the encoder writes as a space.
            let verbatim = matches!(f.command, Command::Connect | Command::Connected);
            let cr = f
                .headers
                .iter()
                .any(|(n, v)| n.contains('\r') || v.contains('\r'));
            if !(verbatim && cr) {
                assert_eq!(one_frame(&f.encode()), Ok(with_length(f)));
            }
            let _ = ServerFrame::try_from(f.clone());
        }
        frames_seen += frames(&whole.0).len();
        errors_seen += usize::from(whole.1.is_some());
    }
    // Both paths were exercised, heavily.
    assert!(
        frames_seen > cases && errors_seen > cases / 10,
        "{frames_seen} {errors_seen}"
    );
}
