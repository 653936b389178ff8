//! A STOMP 1.2 frame codec, for the broker view's real RabbitMQ (its Web-STOMP plugin): the
//! shell owns the WebSocket, this owns the bytes.
//!
//! A frame is a command line, header lines `name:value`, a blank line, a body and a NUL; lines
//! end with LF or CR LF. Header names and values escape `\r` `\n` `:` `\` as `\r` `\n` `\c`
//! `\\`, except in CONNECT and CONNECTED frames (STOMP 1.2 keeps them verbatim there). A body
//! may hold NULs when a `content-length` header gives its size. Between frames a peer may send
//! bare EOLs: heart-beats.
//!
//! [`Decoder`] takes the stream in chunks of any size and returns whole frames. It enforces
//! [`Limits`] before buffering more than a frame's worth, returns typed errors, and never
//! panics on any input; after an error the stream is unusable (STOMP closes the connection),
//! so the decoder keeps returning that error.
//!
//! ```
//! use queue_playground::broker::stomp::{self, AckHeader, Decoder, Incoming, ServerFrame};
//!
//! let wire = stomp::subscribe("sub-0", "/queue/my_queue", AckHeader::ClientIndividual, Some(1));
//! assert!(wire.starts_with(b"SUBSCRIBE\nid:sub-0\ndestination:/queue/my_queue\nack:client-individual\nprefetch-count:1\n\n\0"));
//!
//! let mut decoder = Decoder::default();
//! decoder.push(b"MESSAGE\nsubscription:sub-0\ndestination:/queue/my_queue\nmessage-id:T_sub-0@@1\n");
//! assert_eq!(decoder.next_incoming(), Ok(None)); // a partial frame waits for more
//! decoder.push(b"redelivered:true\nack:T_sub-0@@1\ncontent-length:5\n\nhello\0\n");
//! let Ok(Some(Incoming::Frame(frame))) = decoder.next_incoming() else { panic!() };
//! let Ok(ServerFrame::Message(m)) = ServerFrame::try_from(frame) else { panic!() };
//! assert_eq!((m.ack.as_deref(), m.redelivered, &m.body[..]), (Some("T_sub-0@@1"), true, &b"hello"[..]));
//! assert_eq!(stomp::ack(m.ack_id()), b"ACK\nid:T_sub-0@@1\n\n\0");
//! assert_eq!(decoder.next_incoming(), Ok(Some(Incoming::Heartbeat)));
//! ```

/// A frame's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Client: open a connection.
    Connect,
    /// Client: open a connection (STOMP 1.2's name for CONNECT).
    Stomp,
    /// Server: the connection is open.
    Connected,
    /// Client: publish a message.
    Send,
    /// Client: consume from a destination.
    Subscribe,
    /// Client: stop consuming.
    Unsubscribe,
    /// Client: acknowledge a message.
    Ack,
    /// Client: reject a message.
    Nack,
    /// Client: begin a transaction.
    Begin,
    /// Client: commit a transaction.
    Commit,
    /// Client: abort a transaction.
    Abort,
    /// Client: close the connection.
    Disconnect,
    /// Server: a message for a subscription.
    Message,
    /// Server: a frame with a `receipt` header was processed.
    Receipt,
    /// Server: something went wrong; the server closes the connection.
    Error,
}

const COMMANDS: [Command; 15] = [
    Command::Connect,
    Command::Stomp,
    Command::Connected,
    Command::Send,
    Command::Subscribe,
    Command::Unsubscribe,
    Command::Ack,
    Command::Nack,
    Command::Begin,
    Command::Commit,
    Command::Abort,
    Command::Disconnect,
    Command::Message,
    Command::Receipt,
    Command::Error,
];

impl Command {
    /// The command as written on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Command::Connect => "CONNECT",
            Command::Stomp => "STOMP",
            Command::Connected => "CONNECTED",
            Command::Send => "SEND",
            Command::Subscribe => "SUBSCRIBE",
            Command::Unsubscribe => "UNSUBSCRIBE",
            Command::Ack => "ACK",
            Command::Nack => "NACK",
            Command::Begin => "BEGIN",
            Command::Commit => "COMMIT",
            Command::Abort => "ABORT",
            Command::Disconnect => "DISCONNECT",
            Command::Message => "MESSAGE",
            Command::Receipt => "RECEIPT",
            Command::Error => "ERROR",
        }
    }

    fn from_bytes(b: &[u8]) -> Option<Command> {
        COMMANDS.into_iter().find(|c| c.name().as_bytes() == b)
    }

    /// CONNECT and CONNECTED headers are not escaped (STOMP 1.2, "Value Encoding").
    fn escapes_headers(self) -> bool {
        !matches!(self, Command::Connect | Command::Connected)
    }
}

/// One STOMP frame. Headers keep their order; a repeated header's first value counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The command.
    pub command: Command,
    /// The headers, in order, unescaped.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Frame {
    /// A frame with no header and no body.
    pub fn new(command: Command) -> Frame {
        Frame {
            command,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &str, value: &str) -> Frame {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A header's value: the first one, as STOMP 1.2 says.
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self.headers.iter().find(|(n, _)| n == name);
        found.map(|(_, v)| v.as_str())
    }

    /// The frame's bytes. A non-empty body gets a `content-length` header unless it has one,
    /// so bodies may hold NULs. In CONNECT and CONNECTED frames, whose headers are not
    /// escaped, a CR or LF in a header (and a colon in a name) would break the frame and is
    /// written as a space.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.body.len());
        out.extend_from_slice(self.command.name().as_bytes());
        out.push(b'\n');
        let escape = self.command.escapes_headers();
        for (name, value) in &self.headers {
            write_header_text(&mut out, name, escape, true);
            out.push(b':');
            write_header_text(&mut out, value, escape, false);
            out.push(b'\n');
        }
        if !self.body.is_empty() && self.header("content-length").is_none() {
            out.extend_from_slice(format!("content-length:{}\n", self.body.len()).as_bytes());
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out.push(0);
        out
    }
}

fn write_header_text(out: &mut Vec<u8>, text: &str, escape: bool, is_name: bool) {
    for &b in text.as_bytes() {
        match (b, escape) {
            (b'\r', true) => out.extend_from_slice(b"\\r"),
            (b'\n', true) => out.extend_from_slice(b"\\n"),
            (b':', true) => out.extend_from_slice(b"\\c"),
            (b'\\', true) => out.extend_from_slice(b"\\\\"),
            (b'\r' | b'\n', false) => out.push(b' '),
            (b':', false) if is_name => out.push(b' '),
            _ => out.push(b),
        }
    }
}

/// The `ack` header of a SUBSCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckHeader {
    /// `ack:auto`: acknowledged on delivery (the broker's [`AckMode::Auto`](super::AckMode::Auto)).
    Auto,
    /// `ack:client`: an ACK acknowledges this message and all earlier ones (cumulative).
    Client,
    /// `ack:client-individual`: an ACK acknowledges one message (the broker's
    /// [`AckMode::Manual`](super::AckMode::Manual)).
    ClientIndividual,
}

impl AckHeader {
    /// The header's value.
    pub fn value(self) -> &'static str {
        match self {
            AckHeader::Auto => "auto",
            AckHeader::Client => "client",
            AckHeader::ClientIndividual => "client-individual",
        }
    }
}

/// What a client sends first: `CONNECT` for version 1.2 with login, passcode, virtual host and
/// heart-beat (`cx,cy` in milliseconds: what the client sends, what it wants).
pub fn connect(host: &str, login: &str, passcode: &str, heart_beat: (u32, u32)) -> Vec<u8> {
    connect_frame(Command::Connect, host, login, passcode, heart_beat).encode()
}

/// The same as [`connect`] with STOMP 1.2's `STOMP` command.
pub fn stomp(host: &str, login: &str, passcode: &str, heart_beat: (u32, u32)) -> Vec<u8> {
    connect_frame(Command::Stomp, host, login, passcode, heart_beat).encode()
}

fn connect_frame(c: Command, host: &str, login: &str, passcode: &str, hb: (u32, u32)) -> Frame {
    Frame::new(c)
        .with("accept-version", "1.2")
        .with("host", host)
        .with("login", login)
        .with("passcode", passcode)
        .with("heart-beat", &format!("{},{}", hb.0, hb.1))
}

/// `SUBSCRIBE` with an ack mode and, for RabbitMQ, `prefetch-count` (its unacked bound; it
/// matters for `client` and `client-individual`).
pub fn subscribe(id: &str, destination: &str, ack: AckHeader, prefetch: Option<u32>) -> Vec<u8> {
    let mut f = Frame::new(Command::Subscribe)
        .with("id", id)
        .with("destination", destination)
        .with("ack", ack.value());
    if let Some(n) = prefetch {
        f = f.with("prefetch-count", &n.to_string());
    }
    f.encode()
}

/// `SEND` a body to a destination; `persistent:true` asks RabbitMQ to store it on disk.
pub fn send(destination: &str, body: &[u8], persistent: bool) -> Vec<u8> {
    let mut f = Frame::new(Command::Send).with("destination", destination);
    if persistent {
        f = f.with("persistent", "true");
    }
    f.body = body.to_vec();
    f.encode()
}

/// `ACK` a message by its MESSAGE frame's `ack` header ([`MessageFrame::ack_id`]).
pub fn ack(id: &str) -> Vec<u8> {
    Frame::new(Command::Ack).with("id", id).encode()
}

/// `NACK` a message by its MESSAGE frame's `ack` header. RabbitMQ requeues it unless the
/// frame carries `requeue:false`.
pub fn nack(id: &str, requeue: bool) -> Vec<u8> {
    let mut f = Frame::new(Command::Nack).with("id", id);
    if !requeue {
        f = f.with("requeue", "false");
    }
    f.encode()
}

/// `DISCONNECT`, asking for a RECEIPT with this id once everything before it is processed.
pub fn disconnect(receipt: &str) -> Vec<u8> {
    Frame::new(Command::Disconnect)
        .with("receipt", receipt)
        .encode()
}

/// A MESSAGE frame, as RabbitMQ sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageFrame {
    /// The subscription id it is for.
    pub subscription: String,
    /// Its destination.
    pub destination: String,
    /// The server's id for it.
    pub message_id: String,
    /// STOMP 1.2's `ack` header, present under client ack modes: what ACK and NACK name.
    pub ack: Option<String>,
    /// RabbitMQ's `redelivered` header: it may have been delivered before.
    pub redelivered: bool,
    /// All headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl MessageFrame {
    /// The id ACK and NACK take: the `ack` header, or (1.1 servers) the message id.
    pub fn ack_id(&self) -> &str {
        self.ack.as_deref().unwrap_or(&self.message_id)
    }
}

/// A frame a client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFrame {
    /// The connection is open.
    Connected {
        /// The protocol version the server chose.
        version: String,
        /// `sx,sy` of its heart-beat header (0,0 when absent or malformed).
        heart_beat: (u32, u32),
        /// Its `server` header.
        server: Option<String>,
    },
    /// A message.
    Message(MessageFrame),
    /// A receipt.
    Receipt {
        /// The `receipt-id`.
        receipt_id: String,
    },
    /// An error; the server closes the connection after it.
    Error {
        /// Its short `message` header (empty when absent).
        message: String,
        /// Its body, the details.
        body: Vec<u8>,
    },
}

/// Why a well-formed frame is not one a client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A client-side command.
    UnexpectedCommand {
        /// The command.
        command: Command,
    },
    /// A header the command requires is absent.
    MissingHeader {
        /// The command.
        command: Command,
        /// The header.
        header: &'static str,
    },
}

impl std::error::Error for FrameError {}

impl TryFrom<Frame> for ServerFrame {
    type Error = FrameError;

    fn try_from(f: Frame) -> Result<ServerFrame, FrameError> {
        let command = f.command;
        let need = |name: &'static str| {
            f.header(name)
                .map(str::to_string)
                .ok_or(FrameError::MissingHeader {
                    command,
                    header: name,
                })
        };
        match command {
            Command::Connected => Ok(ServerFrame::Connected {
                version: f.header("version").unwrap_or("1.0").to_string(),
                heart_beat: f
                    .header("heart-beat")
                    .and_then(parse_pair)
                    .unwrap_or((0, 0)),
                server: f.header("server").map(str::to_string),
            }),
            Command::Message => {
                let m = MessageFrame {
                    subscription: need("subscription")?,
                    destination: need("destination")?,
                    message_id: need("message-id")?,
                    ack: f.header("ack").map(str::to_string),
                    redelivered: f.header("redelivered") == Some("true"),
                    headers: f.headers,
                    body: f.body,
                };
                Ok(ServerFrame::Message(m))
            }
            Command::Receipt => Ok(ServerFrame::Receipt {
                receipt_id: need("receipt-id")?,
            }),
            Command::Error => Ok(ServerFrame::Error {
                message: f.header("message").unwrap_or("").to_string(),
                body: f.body,
            }),
            _ => Err(FrameError::UnexpectedCommand { command }),
        }
    }
}

fn parse_pair(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.split_once(',')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// The decoder's bounds, checked before buffering beyond them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes one frame may take, from its command to its NUL.
    pub max_frame: usize,
    /// The most header lines one frame may have.
    pub max_headers: usize,
}

impl Default for Limits {
    /// 1 MiB and 64 headers: far above what the broker view sends, far below harm.
    fn default() -> Self {
        Limits {
            max_frame: 1 << 20,
            max_headers: 64,
        }
    }
}

/// Why the byte stream is not STOMP. Lines count from 1, the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A frame would exceed [`Limits::max_frame`].
    FrameTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A frame has more than [`Limits::max_headers`] headers.
    TooManyHeaders {
        /// The limit.
        limit: usize,
    },
    /// The command line is no STOMP command (its first 32 bytes).
    UnknownCommand {
        /// The line.
        command: Vec<u8>,
    },
    /// A header line without a colon.
    MalformedHeader {
        /// The line's number.
        line: usize,
    },
    /// A backslash followed by anything but `r`, `n`, `c` or `\`.
    InvalidEscape {
        /// The line's number.
        line: usize,
    },
    /// A command or header line that is not UTF-8.
    NotUtf8 {
        /// The line's number.
        line: usize,
    },
    /// `content-length` is not a decimal number.
    BadContentLength,
    /// The byte after `content-length` bytes of body is not NUL.
    MissingNul,
}

impl std::error::Error for DecodeError {}

/// What the stream carried: a frame, or a heart-beat (one bare EOL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A bare EOL between frames.
    Heartbeat,
    /// A frame.
    Frame(Frame),
}

/// A frame's command and headers, parsed, waiting for its body to arrive.
#[derive(Debug)]
struct Head {
    frame: Frame,
    /// Offset of the body from the frame's start.
    body_at: usize,
    content_length: Option<usize>,
}

/// The streaming decoder: [`push`](Self::push) chunks as they arrive, then call
/// [`next_incoming`](Self::next_incoming) until it returns `Ok(None)`.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    buf: Vec<u8>,
    /// Where the current frame starts in `buf`.
    start: usize,
    /// How far from `start` the current search has looked, so no byte is scanned twice.
    scanned: usize,
    head: Option<Head>,
    failed: Option<DecodeError>,
}

impl Decoder {
    /// A decoder with these limits.
    pub fn new(limits: Limits) -> Decoder {
        Decoder {
            limits,
            ..Decoder::default()
        }
    }

    /// Appends bytes from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// Bytes buffered and not yet returned as a frame.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// The next heart-beat or whole frame; `Ok(None)` until more bytes arrive.
    pub fn next_incoming(&mut self) -> Result<Option<Incoming>, DecodeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.step();
        match &result {
            Err(e) => {
                self.failed = Some(e.clone());
                self.buf = Vec::new();
                self.start = 0;
            }
            Ok(Some(_)) => self.compact(),
            Ok(None) => {}
        }
        result
    }

    fn compact(&mut self) {
        if self.start > 4096 && self.start * 2 > self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
    }

    fn step(&mut self) -> Result<Option<Incoming>, DecodeError> {
        let rest = &self.buf[self.start..];
        if self.head.is_none() {
            match rest {
                [] | [b'\r'] => return Ok(None),
                [b'\n', ..] => return Ok(Some(self.heartbeat(1))),
                [b'\r', b'\n', ..] => return Ok(Some(self.heartbeat(2))),
                _ => {}
            }
            // The head ends at the first empty line: "\n\n" or "\n\r\n".
            let from = self.scanned.saturating_sub(2);
            let end = find_blank_line(&rest[from..]).map(|(at, len)| from + at + len);
            let Some(body_at) = end else {
                self.scanned = rest.len();
                return self.wait_within_limit(rest.len());
            };
            let head = parse_head(&rest[..body_at], body_at, &self.limits)?;
            self.head = Some(head);
            self.scanned = body_at;
        }
        let Some(head) = &self.head else {
            return Ok(None);
        };
        let (body_at, content_length) = (head.body_at, head.content_length);
        let Some(body_end) = self.body_end(body_at, content_length)? else {
            return Ok(None);
        };
        let rest = &self.buf[self.start..];
        if body_end + 1 > self.limits.max_frame {
            return Err(DecodeError::FrameTooLarge {
                limit: self.limits.max_frame,
            });
        }
        let Some(mut head) = self.head.take() else {
            return Ok(None);
        };
        head.frame.body = rest[head.body_at..body_end].to_vec();
        self.start += body_end + 1;
        self.scanned = 0;
        Ok(Some(Incoming::Frame(head.frame)))
    }

    /// Where the body of the frame whose head ends at `body_at` ends (its NUL), or `None` while
    /// the rest has not arrived.
    fn body_end(
        &mut self,
        body_at: usize,
        content_length: Option<usize>,
    ) -> Result<Option<usize>, DecodeError> {
        let rest = &self.buf[self.start..];
        let Some(len) = content_length else {
            let from = self.scanned.max(body_at);
            if let Some(at) = rest[from..].iter().position(|&b| b == 0) {
                return Ok(Some(from + at));
            }
            self.scanned = rest.len();
            return self.wait_within_limit(rest.len()).map(|_| None);
        };
        let end = body_at.saturating_add(len);
        if end.saturating_add(1) > self.limits.max_frame {
            return Err(DecodeError::FrameTooLarge {
                limit: self.limits.max_frame,
            });
        }
        if rest.len() <= end {
            return Ok(None);
        }
        if rest[end] != 0 {
            return Err(DecodeError::MissingNul);
        }
        Ok(Some(end))
    }

    fn heartbeat(&mut self, len: usize) -> Incoming {
        self.start += len;
        Incoming::Heartbeat
    }

    fn wait_within_limit(&self, have: usize) -> Result<Option<Incoming>, DecodeError> {
        if have >= self.limits.max_frame {
            return Err(DecodeError::FrameTooLarge {
                limit: self.limits.max_frame,
            });
        }
        Ok(None)
    }
}

/// The first empty line: (where its LF-before starts, how many bytes to skip past it).
fn find_blank_line(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            match b.get(i + 1..) {
                Some([b'\n', ..]) => return Some((i, 2)),
                Some([b'\r', b'\n', ..]) => return Some((i, 3)),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// Parses the command and header lines (`head` ends with the blank line).
fn parse_head(head: &[u8], body_at: usize, limits: &Limits) -> Result<Head, DecodeError> {
    if head.len() > limits.max_frame {
        return Err(DecodeError::FrameTooLarge {
            limit: limits.max_frame,
        });
    }
    let mut lines = head.split(|&b| b == b'\n').map(|l| match l {
        [rest @ .., b'\r'] => rest,
        l => l,
    });
    let command_line = lines.next().unwrap_or_default();
    let Some(command) = Command::from_bytes(command_line) else {
        let shown = &command_line[..command_line.len().min(32)];
        return Err(DecodeError::UnknownCommand {
            command: shown.to_vec(),
        });
    };
    let escaped = command.escapes_headers();
    let mut frame = Frame::new(command);
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        if line.is_empty() {
            break; // the blank line ending the head
        }
        if frame.headers.len() == limits.max_headers {
            return Err(DecodeError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(DecodeError::MalformedHeader { line: n });
        };
        let name = header_text(&line[..colon], escaped, n)?;
        let value = header_text(&line[colon + 1..], escaped, n)?;
        frame.headers.push((name, value));
    }
    let content_length = match frame.header("content-length") {
        None => None,
        Some(v) if !v.is_empty() && v.len() <= 19 && v.bytes().all(|b| b.is_ascii_digit()) => {
            // More digits than a usize holds (on wasm32: 4 GiB) is too large, not malformed.
            let limit = limits.max_frame;
            Some(
                v.parse()
                    .map_err(|_| DecodeError::FrameTooLarge { limit })?,
            )
        }
        Some(_) => return Err(DecodeError::BadContentLength),
    };
    Ok(Head {
        frame,
        body_at,
        content_length,
    })
}

fn header_text(raw: &[u8], escaped: bool, line: usize) -> Result<String, DecodeError> {
    let text = std::str::from_utf8(raw).map_err(|_| DecodeError::NotUtf8 { line })?;
    if !escaped || !text.contains('\\') {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next() {
            Some('r') => '\r',
            Some('n') => '\n',
            Some('c') => ':',
            Some('\\') => '\\',
            _ => return Err(DecodeError::InvalidEscape { line }),
        });
    }
    Ok(out)
}
